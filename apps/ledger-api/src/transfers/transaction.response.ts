import { ApiProperty } from '@nestjs/swagger';

/** One row per account per money movement, as the transaction lists show it. */
export class TransactionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal', 'payment', 'refund'] }) type!: string;
  @ApiProperty({ enum: ['credit', 'debit'] }) direction!: string;
  @ApiProperty({ description: 'minor units' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed', 'voided', 'expired'] }) status!: string;
  @ApiProperty({ format: 'uuid', description: 'the deposit, withdrawal, payment or refund' }) referenceId!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** A transfer as the bank work sees it (GET /api/v1/admin/transfers). */
export class BankWorkItemResponse {
  @ApiProperty({ format: 'uuid', description: 'the transfer' }) id!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ description: 'minor units' }) amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['awaiting_dispatch', 'retrying', 'awaiting_callback', 'parked'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null when parked' })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) parkedReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
