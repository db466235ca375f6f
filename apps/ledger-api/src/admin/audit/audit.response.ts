import { ApiProperty } from '@nestjs/swagger';
import { BalanceView } from '../../accounts/account.response';

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
  @ApiProperty() durationMs!: number;
}
