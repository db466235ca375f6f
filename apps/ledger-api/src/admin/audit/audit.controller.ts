import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ExportedCheckpoint, PostgresHashChain } from '@ledger/event-store/postgres';
import { ApiError } from '../../http/api-error';
import { Roles } from '../../auth/principal';
import { IsRfc3339Time } from '../../http/rfc3339';
import { Clock, CLOCK } from '../../shared/clock';
import { AccountAudit } from './account-audit';
import { HASH_CHAIN } from './hash-chain';
import { LedgerVerification } from './ledger-verification';
import { uuidParam } from '../../http/validation.pipe';
import { AccountAuditResponse, CheckpointView, ProofResponse, VerificationReportResponse } from './audit.response';
import { ApiAdminOnly, ApiErrors, ApiIdempotencyKey, ApiReadYourWrites, Operation } from '../../http/api-docs';
import { ApiNoBody, NoBody } from '../../http/no-body';

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
    @Inject(HASH_CHAIN) private readonly chain: PostgresHashChain | null,
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
  @ApiNoBody()
  @Operation(
    'verifyLedger',
    'Check the hash chains, replay every account against its read model and check the journal balances (admin)',
  )
  @ApiIdempotencyKey({ required: false })
  @ApiOkResponse({ type: VerificationReportResponse })
  verify(@Body() _body: NoBody) {
    return this.verification.verify();
  }

  /** The newest hash-chain checkpoint, to keep outside the ledger (see README, Tamper evidence). */
  @Get('checkpoints/latest')
  @Operation('getLatestCheckpoint', 'The newest hash-chain checkpoint, to keep outside the ledger (admin)')
  @ApiOkResponse({ type: CheckpointView })
  @ApiErrors('not_found')
  async latestCheckpoint(): Promise<ExportedCheckpoint> {
    const latest = await this.hashChain().latestCheckpoint();
    if (!latest) throw new ApiError(404, 'not_found', 'No checkpoint has been recorded yet.');
    return latest;
  }

  /** Whether the history up to an exported checkpoint is unchanged. */
  @Post('prove')
  @HttpCode(200)
  @Operation('proveHistory', 'Whether the history up to an exported checkpoint is unchanged (admin)')
  @ApiIdempotencyKey({ required: false })
  @ApiOkResponse({ type: ProofResponse })
  @ApiErrors('validation_failed', 'not_found')
  prove(@Body() checkpoint: CheckpointView) {
    return this.hashChain().prove(checkpoint);
  }

  private hashChain(): PostgresHashChain {
    if (!this.chain) throw new ApiError(404, 'not_found', 'This event store keeps no checkpoints (KurrentDB).');
    return this.chain;
  }
}
