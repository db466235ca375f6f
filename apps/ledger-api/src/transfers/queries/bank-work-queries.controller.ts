import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Pool } from 'pg';
import { Roles } from '../../auth/principal';
import { jsonAmount } from '../../http/json-amount';
import { decodeCursor, PageQuery, toPage } from '../../http/pagination';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { BankWorkRow, BankWorkStatus } from '../bank/bank-work.projection';
import { BankWorkItemResponse } from '../transaction.response';
import { ApiAdminOnly, ApiPage, ApiReadYourWrites, Operation } from '../../http/api-docs';

const LISTED: readonly BankWorkStatus[] = ['awaiting_dispatch', 'retrying', 'awaiting_callback', 'parked'];

class ListBankWorkQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LISTED, description: 'Default: every transfer the bank work is not done with.' })
  @IsOptional()
  @IsIn(LISTED)
  status?: BankWorkStatus;
}

/** The bank work an operator watches: transfers waiting to be sent, retrying, awaiting the bank, parked. */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/transfers')
export class BankWorkQueriesController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @Operation('listBankWork', 'Transfers the bank work is not done with: waiting, retrying, sent, parked (admin)')
  @ApiReadYourWrites()
  @ApiPage(BankWorkItemResponse)
  async list(@Query() query: ListBankWorkQuery) {
    const after = decodeCursor(query.cursor);
    const { rows } = await this.pool.query<BankWorkRow>(
      `SELECT * FROM bank_work
        WHERE status = ANY($1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [query.status ? [query.status] : LISTED, after?.createdAt ?? null, after?.id ?? null, query.limit + 1],
    );
    return toPage(rows, query.limit, (row) => ({
      id: row.id,
      kind: row.kind,
      accountId: row.account_id,
      amount: jsonAmount(row.amount),
      currency: row.currency,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      nextAttemptAt: row.status === 'parked' ? null : row.next_attempt_at.toISOString(),
      parkedReason: row.parked_reason,
      sentAt: row.sent_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }
}
