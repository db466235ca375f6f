import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Roles } from '../../auth/principal';
import { IsRfc3339Time } from '../../http/rfc3339';
import { Clock, CLOCK } from '../../shared/clock';
import { AccountAudit } from './account-audit';
import { LedgerVerification } from './ledger-verification';
import { uuidParam } from '../../http/validation.pipe';

class AuditAccountQuery {
  @ApiPropertyOptional({ description: 'RFC 3339 date or date-time; default now', example: '2026-01-31T23:59:59Z' })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

/** Proof of balances from events (API.md, Admin). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(
    private readonly accountAudit: AccountAudit,
    private readonly verification: LedgerVerification,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('accounts/:id')
  account(@Param('id', uuidParam('id')) id: string, @Query() query: AuditAccountQuery) {
    return this.accountAudit.at(id, query.at ? new Date(query.at) : this.clock.now());
  }

  @Post('verify')
  @HttpCode(200)
  verify() {
    return this.verification.verify();
  }
}
