import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BatchItemError } from '../../http/batch';
import { TransferResponse } from '../transfer.response';

export class TransferBatchItemResult {
  @ApiProperty({ description: "The item's place in the request, from 0" }) index!: number;
  @ApiProperty({ enum: ['created', 'refused'] }) status!: 'created' | 'refused';
  @ApiPropertyOptional({ type: TransferResponse, description: 'When created' }) transfer?: TransferResponse;
  @ApiPropertyOptional({ type: BatchItemError, description: 'When refused' }) error?: BatchItemError;
}

export class TransferBatchResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['atomic', 'independent'] }) mode!: string;
  @ApiProperty({ type: [TransferBatchItemResult] }) results!: TransferBatchItemResult[];
}
