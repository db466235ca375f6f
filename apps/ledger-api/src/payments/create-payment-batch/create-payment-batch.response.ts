import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaymentRefusalCode, PaymentState } from '@ledger/ledger-domain';
import { BatchItemError, batchResults } from '../../http/batch';
import { BatchOutcome } from '../../shared/batch-commands';
import { PaymentResponse } from '../payment.response';
import { toPaymentResponse } from '../payment.view';

export class PaymentBatchItemResult {
  @ApiProperty({ description: "The item's place in the request, from 0" }) index!: number;
  @ApiProperty({ enum: ['created', 'refused'] }) status!: 'created' | 'refused';
  @ApiPropertyOptional({ type: PaymentResponse, description: 'When created' }) payment?: PaymentResponse;
  @ApiPropertyOptional({ type: BatchItemError, description: 'When refused' }) error?: BatchItemError;
}

export class PaymentBatchResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['atomic', 'independent'] }) mode!: string;
  @ApiProperty({ type: [PaymentBatchItemResult] }) results!: PaymentBatchItemResult[];
}

export function toPaymentBatchResponse(batch: BatchOutcome<PaymentState, PaymentRefusalCode>): PaymentBatchResponse {
  return { id: batch.batchId, mode: batch.mode, results: batchResults(batch.items, 'payment', toPaymentResponse) };
}
