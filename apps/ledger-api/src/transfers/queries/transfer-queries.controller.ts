import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Pool } from 'pg';
import { canSee, CurrentPrincipal, Principal, Roles } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { jsonAmount } from '../../http/json-amount';
import { decodeCursor, Page, PageQuery, toPage } from '../../http/pagination';
import { IsRfc3339Time, toIsoInstant } from '../../http/rfc3339';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { AccountReadModel } from '../../accounts';
import { TransferResponse } from '../transfer.response';
import { TransactionRow } from '../transactions.projection';
import { TransferRow } from '../transfers.projection';
import { RateLimited } from '../../rate-limits/rate-limited';
import { uuidParam } from '../../http/validation.pipe';
import { TransactionResponse } from '../transaction.response';
import { ApiAuthenticated, ApiErrors, ApiPage, ApiReadYourWrites, Operation } from '../../http/api-docs';
import { ReviewItemResponse } from '../review-item.response';
import { UuidField } from '../../http/uuid-field';
import { UserReadModel } from '../../users';

class ListTransfersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @UuidField() accountId?: string;
  @ApiPropertyOptional({ enum: ['pending', 'parked', 'processing', 'succeeded', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'parked', 'processing', 'succeeded', 'failed'])
  status?: string;
}

class ListTransactionsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['deposit', 'withdrawal', 'payment', 'refund'] })
  @IsOptional()
  @IsIn(['deposit', 'withdrawal', 'payment', 'refund'])
  type?: string;
  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'failed', 'voided', 'expired'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'failed', 'voided', 'expired'])
  status?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339 date or date-time' })
  @IsOptional()
  @IsRfc3339Time()
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339 date or date-time' })
  @IsOptional()
  @IsRfc3339Time()
  to?: string;
}

class ListReviewsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] }) @IsOptional() @IsIn(['open', 'resolved']) status?: string;
}

const KINDS = { deposits: 'deposit', withdrawals: 'withdrawal' } as const;

/** Deposits, withdrawals, transaction rows and review items, from their read models. */
@ApiTags('transfers')
@ApiAuthenticated()
@Controller('api/v1')
export class TransferQueriesController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly accounts: AccountReadModel,
    private readonly users: UserReadModel,
  ) {}

  @Get('deposits/:id')
  @Operation('getDeposit', 'A deposit')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: TransferResponse })
  @ApiErrors('not_found')
  deposit(@Param('id', uuidParam('id')) id: string, @CurrentPrincipal() principal: Principal) {
    return this.get('deposits', id, principal);
  }

  @Get('withdrawals/:id')
  @Operation('getWithdrawal', 'A withdrawal')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: TransferResponse })
  @ApiErrors('not_found')
  withdrawal(@Param('id', uuidParam('id')) id: string, @CurrentPrincipal() principal: Principal) {
    return this.get('withdrawals', id, principal);
  }

  @Get('deposits')
  @Operation('listDeposits', 'Deposits, newest first (filters: accountId, status)')
  @ApiReadYourWrites()
  @ApiPage(TransferResponse)
  deposits(@Query() query: ListTransfersQuery, @CurrentPrincipal() principal: Principal) {
    return this.list('deposits', query, principal);
  }

  @Get('withdrawals')
  @Operation('listWithdrawals', 'Withdrawals, newest first (filters: accountId, status)')
  @ApiReadYourWrites()
  @ApiPage(TransferResponse)
  withdrawals(@Query() query: ListTransfersQuery, @CurrentPrincipal() principal: Principal) {
    return this.list('withdrawals', query, principal);
  }

  private async get(kind: keyof typeof KINDS, id: string, principal: Principal): Promise<TransferResponse> {
    const { rows } = await this.pool.query<TransferRow>('SELECT * FROM rm_transfers WHERE id = $1 AND kind = $2', [
      id,
      KINDS[kind],
    ]);
    if (!rows[0] || !canSee(principal, rows[0].user_id)) throw new ApiError(404, 'not_found', 'No such transfer.');
    return toTransfer(rows[0]);
  }

  private async list(
    kind: keyof typeof KINDS,
    query: ListTransfersQuery,
    principal: Principal,
  ): Promise<Page<TransferResponse>> {
    const after = decodeCursor(query.cursor);
    const { rows } = await this.pool.query<TransferRow>(
      `SELECT * FROM rm_transfers
        WHERE kind = $1 AND ($2::uuid IS NULL OR user_id = $2) AND ($3::uuid IS NULL OR account_id = $3)
          AND ($4::text IS NULL OR status = $4)
          AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $7`,
      [
        KINDS[kind],
        principal.role === 'admin' ? null : principal.userId,
        query.accountId ?? null,
        query.status ?? null,
        after?.createdAt ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    return toPage(rows, query.limit, toTransfer);
  }

  @Get('accounts/:accountId/transactions')
  @RateLimited('transactions')
  @Operation('listAccountTransactions', 'An account’s money movements, newest first')
  @ApiReadYourWrites()
  @ApiPage(TransactionResponse)
  @ApiErrors('not_found')
  async accountTransactions(
    @Param('accountId', uuidParam('accountId')) accountId: string,
    @Query() query: ListTransactionsQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const account = await this.accounts.find(accountId);
    if (!account || !canSee(principal, account.user_id)) throw new ApiError(404, 'not_found', 'No such account.');
    return this.transactions('account_id', accountId, query);
  }

  @Get('users/:userId/transactions')
  @RateLimited('transactions')
  @Operation('listUserTransactions', 'Money movements across a user’s accounts, newest first')
  @ApiReadYourWrites()
  @ApiPage(TransactionResponse)
  @ApiErrors('not_found')
  async userTransactions(
    @Param('userId', uuidParam('userId')) userId: string,
    @Query() query: ListTransactionsQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    if (!(await this.users.isVisibleTo(principal, userId))) throw new ApiError(404, 'not_found', 'No such user.');
    return this.transactions('user_id', userId, query);
  }

  @Get('admin/reviews')
  @Roles('admin')
  @Operation('listReviews', 'Review items: bank callbacks that contradict the ledger (admin)')
  @ApiReadYourWrites()
  @ApiPage(ReviewItemResponse)
  @ApiErrors('forbidden')
  async reviews(@Query() query: ListReviewsQuery) {
    const after = decodeCursor(query.cursor);
    const { rows } = await this.pool.query(
      `SELECT * FROM rm_reviews WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [query.status ?? null, after?.createdAt ?? null, after?.id ?? null, query.limit + 1],
    );
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      transferId: row.transfer_id,
      eventId: row.event_id,
      callbackType: row.callback_type,
      transferStatus: row.transfer_status,
      reason: row.reason,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      // Who decided what, and when: the console's list of resolved items shows it.
      ...(row.status === 'resolved' && {
        decision: row.decision,
        note: row.note,
        resolvedBy: row.resolved_by,
        resolvedAt: row.resolved_at?.toISOString() ?? null,
      }),
    }));
  }

  private async transactions(column: 'account_id' | 'user_id', id: string, query: ListTransactionsQuery) {
    const after = decodeCursor(query.cursor);
    const { rows } = await this.pool.query<TransactionRow>(
      `SELECT * FROM rm_transactions
        WHERE ${column} = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR status = $3)
          AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at <= $5)
          AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $8`,
      [
        id,
        query.type ?? null,
        query.status ?? null,
        query.from === undefined ? null : toIsoInstant(query.from),
        query.to === undefined ? null : toIsoInstant(query.to),
        after?.createdAt ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      accountId: row.account_id,
      type: row.type,
      direction: row.direction,
      amount: jsonAmount(row.amount),
      currency: row.currency,
      status: row.status,
      referenceId: row.reference_id,
      description: row.description,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }
}

function toTransfer(row: TransferRow): TransferResponse {
  return {
    id: row.id,
    accountId: row.account_id,
    amount: jsonAmount(row.amount),
    currency: row.currency,
    status: row.status,
    failureReason: row.failure_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
