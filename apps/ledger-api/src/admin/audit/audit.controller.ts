import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Min, ValidateIf } from 'class-validator';
import { ExportedCheckpoint, PostgresHashChain } from '@ledger/event-store';
import { ApiError } from '../../http/api-error';
import { Roles } from '../../auth/principal';
import { IsRfc3339Time } from '../../http/rfc3339';
import { Clock, CLOCK } from '../../shared/clock';
import { AccountAudit } from './account-audit';
import { HASH_CHAIN } from './hash-chain';
import { LedgerVerification } from './ledger-verification';
import { uuidParam } from '../../http/validation.pipe';

class AuditAccountQuery {
  @ApiPropertyOptional({ description: 'RFC 3339 date or date-time; default now', example: '2026-01-31T23:59:59Z' })
  @IsOptional()
  @IsRfc3339Time()
  at?: string;
}

const DIGEST = /^[0-9a-f]{64}$/;
const WHOLE_NUMBER = /^(0|[1-9][0-9]{0,18})$/;

/** A checkpoint as `GET /api/v1/admin/audit/checkpoints/latest` exported it. */
class ExportedCheckpointDto implements ExportedCheckpoint {
  @ApiProperty({ example: '42' })
  @Matches(WHOLE_NUMBER, { message: 'id must be a whole number as a string' })
  id!: string;

  @ApiProperty({ example: '123456' })
  @Matches(WHOLE_NUMBER, { message: 'upToPosition must be a whole number as a string' })
  upToPosition!: string;

  @ApiProperty({ example: '2026-12-03T07:00:00.000Z' })
  @IsString()
  createdAt!: string;

  @ApiProperty({ example: 120 })
  @IsInt()
  @Min(0)
  streamCount!: number;

  @ApiProperty({ nullable: true, type: String, description: 'hex SHA-256' })
  @ValidateIf((_, value) => value !== null)
  @Matches(DIGEST, { message: 'previousDigest must be 64 lowercase hex digits or null' })
  previousDigest!: string | null;

  @ApiProperty({ description: 'hex SHA-256' })
  @Matches(DIGEST, { message: 'digest must be 64 lowercase hex digits' })
  digest!: string;
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
    @Inject(HASH_CHAIN) private readonly chain: PostgresHashChain | null,
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

  /** The newest hash-chain checkpoint, to keep outside the ledger (see README, Tamper evidence). */
  @Get('checkpoints/latest')
  async latestCheckpoint(): Promise<ExportedCheckpoint> {
    const latest = await this.hashChain().latestCheckpoint();
    if (!latest) throw new ApiError(404, 'not_found', 'No checkpoint has been recorded yet.');
    return latest;
  }

  /** Whether the history up to an exported checkpoint is unchanged. */
  @Post('prove')
  @HttpCode(200)
  prove(@Body() checkpoint: ExportedCheckpointDto) {
    return this.hashChain().prove(checkpoint);
  }

  private hashChain(): PostgresHashChain {
    if (!this.chain) throw new ApiError(404, 'not_found', 'This event store keeps no hash chain (KurrentDB).');
    return this.chain;
  }
}
