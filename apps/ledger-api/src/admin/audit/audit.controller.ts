import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Roles } from '../../auth/principal';
import { IsRfc3339Time } from '../../http/rfc3339';
import { Clock, CLOCK } from '../../shared/clock';
import { AccountAudit } from './account-audit';
import { LedgerVerification } from './ledger-verification';
import { uuidParam } from '../../http/validation.pipe';
import { AccountAuditResponse, VerificationReportResponse } from './audit.response';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, ApiReadYourWrites, Operation } from '../../http/api-docs';

class AuditAccountQuery {
  @ApiPropertyOptional({ description: 'RFC 3339 date or date-time; default now', example: '2026-01-31T23:59:59Z' })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

/** Proof of balances from events (API.md, Admin). */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(
    private readonly accountAudit: AccountAudit,
    private readonly verification: LedgerVerification,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('accounts/:id')
  @Operation('auditAccount', 'An account replayed from its events up to a time, beside its read model (admin)')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: AccountAuditResponse })
  @ApiErrors('not_found')
  account(@Param('id', uuidParam('id')) id: string, @Query() query: AuditAccountQuery) {
    return this.accountAudit.at(id, query.at ? new Date(query.at) : this.clock.now());
  }

  @Post('verify')
  @HttpCode(200)
  @Operation('verifyLedger', 'Replay every account against its read model and check the journal balances (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiOkResponse({ type: VerificationReportResponse })
  verify() {
    return this.verification.verify();
  }
}
