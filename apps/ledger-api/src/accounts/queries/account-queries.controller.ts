import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { canSee, CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError, ErrorResponse } from '../../http/api-error';
import { decodeCursor, Page, PageQuery, toPage } from '../../http/pagination';
import { AccountRow, AccountReadModel, toAccountResponse, toBalance, toBalanceResponse } from '../account.read-model';
import { AccountBalanceResponse, AccountResponse } from '../account.response';
import { RateLimited } from '../../rate-limits/rate-limited';
import { uuidParam } from '../../http/validation.pipe';

class ListAccountsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: only this user’s accounts.' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1')
export class AccountQueriesController {
  constructor(private readonly accounts: AccountReadModel) {}

  @Get('accounts')
  async list(
    @Query() query: ListAccountsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<AccountResponse>> {
    const owner = principal.role === 'admin' ? query.userId : principal.userId;
    const rows = await this.accounts.list(owner, decodeCursor(query.cursor), query.limit);
    return toPage(rows, query.limit, toAccountResponse);
  }

  @Get('accounts/:accountId')
  @ApiOkResponse({ type: AccountResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@Param('accountId', uuidParam('accountId')) accountId: string, @CurrentPrincipal() principal: Principal) {
    return toAccountResponse(await this.visible(accountId, principal));
  }

  @Get('accounts/:accountId/balance')
  @RateLimited('balance')
  @ApiOkResponse({ type: AccountBalanceResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async balance(
    @Param('accountId', uuidParam('accountId')) accountId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return toBalanceResponse(await this.visible(accountId, principal));
  }

  @Get('users/:userId/balance')
  @RateLimited('balance')
  @ApiNotFoundResponse({ type: ErrorResponse })
  async userBalance(@Param('userId', uuidParam('userId')) userId: string, @CurrentPrincipal() principal: Principal) {
    if (!canSee(principal, userId)) throw notFound('user');
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
