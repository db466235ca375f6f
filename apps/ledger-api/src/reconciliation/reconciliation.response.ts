import { ApiProperty } from '@nestjs/swagger';
import { RECONCILIATION_RESOLUTIONS } from '@ledger/ledger-domain';

const SIGNED =
  'Minor units, signed: + a deposit (bank credit), − a withdrawal (bank debit); null when that side has none.';

export class ReconciliationExceptionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) reconciliationId!: string;
  @ApiProperty({ enum: ['missing_in_ledger', 'missing_in_bank', 'amount_mismatch', 'currency_mismatch'] })
  kind!: string;
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ type: String, nullable: true }) bankReference!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: SIGNED }) bankAmount!: number | string | null;
  @ApiProperty({ type: Number, nullable: true, description: SIGNED }) ledgerAmount!: number | string | null;
  @ApiProperty({ type: String, nullable: true }) bankCurrency!: string | null;
  @ApiProperty({ type: String, nullable: true }) ledgerCurrency!: string | null;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: string;
  @ApiProperty({ enum: RECONCILIATION_RESOLUTIONS, nullable: true }) resolution!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The admin’s user id' }) resolvedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
}

export class ReconciliationMatch {
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty() bankReference!: string;
}

export class ReconciliationSummary {
  @ApiProperty() matched!: number;
  @ApiProperty() exceptions!: number;
  @ApiProperty() openExceptions!: number;
}

export class ReconciliationResponse {
  @ApiProperty({ format: 'uuid', description: 'Derived from the file’s SHA-256: the same file, the same run.' })
  id!: string;
  @ApiProperty() fileSha256!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'First value date on the statement' })
  statementFrom!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Last value date on the statement' })
  statementTo!: string | null;
  @ApiProperty({ description: 'Lines on the statement' }) lines!: number;
  @ApiProperty() recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: ReconciliationSummary }) summary!: ReconciliationSummary;
  @ApiProperty({ type: [ReconciliationMatch] }) matched!: ReconciliationMatch[];
  @ApiProperty({ type: [ReconciliationExceptionResponse] }) exceptions!: ReconciliationExceptionResponse[];
}

export class ReconciliationListItem {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fileSha256!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) statementFrom!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) statementTo!: string | null;
  @ApiProperty() lines!: number;
  @ApiProperty({ type: ReconciliationSummary }) summary!: ReconciliationSummary;
  @ApiProperty() recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}
