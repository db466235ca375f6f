import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaymentResponse } from '../payment.response';

/** An item's refusal, as the single request would have answered it (without its request id). */
export class PaymentBatchItemError {
  @ApiProperty({ example: 'insufficient_funds' }) error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'Per-field problems, for validation_failed' }) details?: unknown;
}

export class PaymentBatchItemResult {
  @ApiProperty({ description: "The item's place in the request, from 0" }) index!: number;
  @ApiProperty({ enum: ['created', 'refused'] }) status!: 'created' | 'refused';
  @ApiPropertyOptional({ type: PaymentResponse, description: 'When created' }) payment?: PaymentResponse;
  @ApiPropertyOptional({ type: PaymentBatchItemError, description: 'When refused' }) error?: PaymentBatchItemError;
}

export class PaymentBatchResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['atomic', 'independent'] }) mode!: string;
  @ApiProperty({ type: [PaymentBatchItemResult] }) results!: PaymentBatchItemResult[];
}
