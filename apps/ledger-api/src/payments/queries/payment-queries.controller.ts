import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Pool } from 'pg';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { jsonAmount } from '../../http/json-amount';
import { decodeCursor, Page, PageQuery, toPage } from '../../http/pagination';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { PaymentResponse } from '../payment.response';
import { PaymentRow } from '../payments.projection';
import { uuidParam } from '../../http/validation.pipe';
import { ApiAuthenticated, ApiErrors, ApiPage, ApiReadYourWrites, Operation } from '../../http/api-docs';
import { UuidField } from '../../http/uuid-field';

const STATUSES = ['authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'expired'];

class ListPaymentsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'payer or payee account' })
  @IsOptional()
  @UuidField()
  accountId?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: string;
}

/** Payments from their read model: visible to the payer's and the payee's owners, and admins. */
@ApiTags('payments')
@ApiAuthenticated()
@Controller('api/v1/payments')
export class PaymentQueriesController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':paymentId')
  @Operation('getPayment', 'A payment (payer’s or payee’s owner, admin)')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: PaymentResponse })
  @ApiErrors('not_found')
  async get(@Param('paymentId', uuidParam('paymentId')) paymentId: string, @CurrentPrincipal() principal: Principal) {
    const { rows } = await this.pool.query<PaymentRow>(
      `SELECT * FROM rm_payments WHERE id = $1 AND ($2::uuid IS NULL OR payer_user_id = $2 OR payee_user_id = $2)`,
      [paymentId, ownerFilter(principal)],
    );
    if (!rows[0]) throw new ApiError(404, 'not_found', 'No such payment.');
    return toPayment(rows[0]);
  }

  @Get()
  @Operation('listPayments', 'Payments the caller is party to, newest first (filters: accountId, status)')
  @ApiReadYourWrites()
  @ApiPage(PaymentResponse)
  async list(
    @Query() query: ListPaymentsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<PaymentResponse>> {
    const after = decodeCursor(query.cursor);
    const { rows } = await this.pool.query<PaymentRow>(
      `SELECT * FROM rm_payments
        WHERE ($1::uuid IS NULL OR payer_user_id = $1 OR payee_user_id = $1)
          AND ($2::uuid IS NULL OR payer_account_id = $2 OR payee_account_id = $2)
          AND ($3::text IS NULL OR status = $3)
          AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $6`,
      [
        ownerFilter(principal),
        query.accountId ?? null,
        query.status ?? null,
        after?.createdAt ?? null,
        after?.id ?? null,
        query.limit + 1,
      ],
    );
    return toPage(rows, query.limit, toPayment);
  }
}

const ownerFilter = (principal: Principal) => (principal.role === 'admin' ? null : principal.userId);

function toPayment(row: PaymentRow): PaymentResponse {
  return {
    id: row.id,
    payerAccountId: row.payer_account_id,
    payeeAccountId: row.payee_account_id,
    amount: jsonAmount(row.authorized_amount),
    currency: row.currency,
    captureMethod: row.capture_method,
    status: row.status,
    authorizedAmount: jsonAmount(row.authorized_amount),
    capturedAmount: jsonAmount(row.captured_amount),
    refundedAmount: jsonAmount(row.refunded_amount),
    captureExpiresAt: row.capture_expires_at?.toISOString() ?? null,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
