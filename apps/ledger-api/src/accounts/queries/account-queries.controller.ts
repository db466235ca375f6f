import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { decodeCursor, Page, PageQuery, toPage } from '../../http/pagination';
import { AccountRow, AccountReadModel, toAccountResponse, toBalance, toBalanceResponse } from '../account.read-model';
import { AccountBalanceResponse, AccountResponse, UserBalancesResponse } from '../account.response';
import { RateLimited } from '../../rate-limits/rate-limited';
import { uuidParam } from '../../http/validation.pipe';
import { ApiAuthenticated, ApiErrors, ApiPage, ApiReadYourWrites, Operation } from '../../http/api-docs';
import { UuidField } from '../../http/uuid-field';
import { UserReadModel } from '../../users';

class ListAccountsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: only this user’s accounts.' })
  @IsOptional()
  @UuidField()
  userId?: string;
}

@ApiTags('accounts')
@ApiAuthenticated()
@Controller('api/v1')
export class AccountQueriesController {
  constructor(
    private readonly accounts: AccountReadModel,
    private readonly users: UserReadModel,
  ) {}

  @Get('accounts')
  @Operation('listAccounts', 'Accounts: the caller’s own (admins: all, or one user’s)')
  @ApiReadYourWrites()
  @ApiPage(AccountResponse)
  async list(
    @Query() query: ListAccountsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<AccountResponse>> {
    const owner = principal.role === 'admin' ? query.userId : principal.userId;
    const rows = await this.accounts.list(owner, decodeCursor(query.cursor), query.limit);
    return toPage(rows, query.limit, toAccountResponse);
  }

  @Get('accounts/:accountId')
  @Operation('getAccount', 'An account with its balance')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: AccountResponse })
  @ApiErrors('not_found')
  async get(@Param('accountId', uuidParam('accountId')) accountId: string, @CurrentPrincipal() principal: Principal) {
    return toAccountResponse(await this.visible(accountId, principal));
  }

  @Get('accounts/:accountId/balance')
  @RateLimited('balance')
  @Operation('getAccountBalance', 'An account’s balance and the position it reflects')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: AccountBalanceResponse })
  @ApiErrors('not_found')
  async balance(
    @Param('accountId', uuidParam('accountId')) accountId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return toBalanceResponse(await this.visible(accountId, principal));
  }

  @Get('users/:userId/balance')
  @RateLimited('balance')
  @Operation('getUserBalances', 'The balance of every account of a user')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: UserBalancesResponse })
  @ApiErrors('not_found')
  async userBalance(@Param('userId', uuidParam('userId')) userId: string, @CurrentPrincipal() principal: Principal) {
    if (!(await this.users.isVisibleTo(principal, userId))) throw notFound('user');
    const rows = await this.accounts.ofUser(userId);
    return {
      userId,
      balances: rows.map((row) => ({ accountId: row.id, currency: row.currency, ...toBalance(row) })),
    };
  }

  /** The account if the caller may see it; 404 alike for missing and for someone else's. */
  private async visible(accountId: string, principal: Principal): Promise<AccountRow> {
    const row = await this.accounts.find(accountId);
    if (!row || !canSee(principal, row.user_id)) throw notFound('account');
    return row;
  }
}

const notFound = (what: string) => new ApiError(404, 'not_found', `No such ${what}.`);
