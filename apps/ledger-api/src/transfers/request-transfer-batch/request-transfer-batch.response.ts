import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TransferRequestRefusalCode, TransferState } from '@ledger/ledger-domain';
import { BatchItemError, batchResults } from '../../http/batch';
import { BatchOutcome } from '../../shared/batch-commands';
import { TransferResponse } from '../transfer.response';
import { toTransferResponse } from '../transfer.view';

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

export function toTransferBatchResponse(
  batch: BatchOutcome<TransferState, TransferRequestRefusalCode>,
): TransferBatchResponse {
  return { id: batch.batchId, mode: batch.mode, results: batchResults(batch.items, 'transfer', toTransferResponse) };
}
