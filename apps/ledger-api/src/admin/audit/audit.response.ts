import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import { BrokenLink, BrokenLinkKind, ChainReport } from '@ledger/event-store';
import { ExportedCheckpoint } from '@ledger/event-store/postgres';
import { BalanceView } from '../../accounts';
import { IsRfc3339Time } from '../../http/rfc3339';

export class AuditEventView {
  @ApiProperty() revision!: number;
  @ApiProperty({ example: 'FundsDeposited' }) type!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null for the opening' }) amount!: number | null;
  @ApiProperty() ledgerAfter!: number;
  @ApiProperty() heldAfter!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuditReadModelView extends BalanceView {
  @ApiProperty() position!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** An account replayed from its events up to `at`, beside its read-model row. */
export class AccountAuditResponse {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: BalanceView }) balance!: BalanceView;
  @ApiProperty({ type: [AuditEventView] }) events!: AuditEventView[];
  @ApiProperty({ type: AuditReadModelView, nullable: true }) readModel!: AuditReadModelView | null;
  @ApiProperty() consistent!: boolean;
}

export class DiscrepancyView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the journal' })
  accountId!: string | null;
  @ApiProperty({ example: 'ledger' }) field!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }], description: 'or null' })
  expected!: unknown;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }], description: 'or null' })
  found!: unknown;
}

export class VerificationReportResponse {
  @ApiProperty() accounts!: number;
  @ApiProperty() events!: number;
  @ApiProperty({ type: [DiscrepancyView], description: 'the first 1,000' }) discrepancies!: DiscrepancyView[];
  @ApiProperty() discrepancyCount!: number;
  @ApiProperty() journalBalanced!: boolean;
  @ApiProperty({
    type: () => ChainReportView,
    nullable: true,
    description: 'null where the event store keeps no chain',
  })
  chain!: ChainReportView | null;
  @ApiProperty() durationMs!: number;
}

const BROKEN_LINK_KINDS: BrokenLinkKind[] = ['edited', 'missing', 'reordered', 'inserted'];

export class BrokenLinkView implements BrokenLink {
  @ApiProperty({ enum: BROKEN_LINK_KINDS }) kind!: BrokenLinkKind;
  @ApiProperty({ description: 'the stream, or $checkpoints' }) stream!: string;
  @ApiProperty({ description: 'revision (or checkpoint id) where the chain breaks' }) revision!: string;
  @ApiProperty({ type: String, nullable: true }) eventId!: string | null;
  @ApiProperty() detail!: string;
}

export class ChainReportView implements ChainReport {
  @ApiProperty() events!: number;
  @ApiProperty() streams!: number;
  @ApiProperty() checkpoints!: number;
  @ApiProperty({ type: [BrokenLinkView], description: 'the first 1,000' }) brokenLinks!: BrokenLinkView[];
  @ApiProperty() brokenLinkCount!: number;
}

const DIGEST = /^[0-9a-f]{64}$/;
const WHOLE_NUMBER = /^(0|[1-9][0-9]{0,18})$/;

/** A hash-chain checkpoint as exported, and as given back to prove the history up to it. */
export class CheckpointView implements ExportedCheckpoint {
  @ApiProperty({ example: '42' })
  @Matches(WHOLE_NUMBER, { message: 'id must be a whole number as a string' })
  id!: string;

  @ApiProperty({ example: '123456', description: 'global position of the last event it covers' })
  @Matches(WHOLE_NUMBER, { message: 'upToPosition must be a whole number as a string' })
  upToPosition!: string;

  @ApiProperty({ format: 'date-time' })
  @IsRfc3339Time()
  createdAt!: string;

  @ApiProperty({ example: 120 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  streamCount!: number;

  @ApiProperty({ type: String, nullable: true, description: 'hex SHA-256 of the checkpoint before' })
  @ValidateIf((_, value) => value !== null)
  @Matches(DIGEST, { message: 'previousDigest must be 64 lowercase hex digits or null' })
  previousDigest!: string | null;

  @ApiProperty({ description: 'hex SHA-256' })
  @Matches(DIGEST, { message: 'digest must be 64 lowercase hex digits' })
  digest!: string;
}

export class ProofResponse {
  @ApiProperty() proven!: boolean;
  @ApiProperty({ type: CheckpointView }) checkpoint!: CheckpointView;
  @ApiProperty({ type: String, nullable: true, description: 'why not, when not proven' }) reason!: string | null;
  @ApiProperty({ type: ChainReportView }) chain!: ChainReportView;
}
