import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BatchItemError } from '../../http/batch';
import { PaymentResponse } from '../payment.response';

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
