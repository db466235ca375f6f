import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { BatchMode, DomainErrorCode } from '@ledger/ledger-domain';
import { BatchItemResult } from '../shared/batch-commands';
import { domainErrorBody } from './domain-errors';

/** Most items in one batch (TigerBeetle takes 8,190 transfers a request; Formance's bulk 100). */
export const MAX_BATCH_ITEMS = 10_000;

/** What every batch request carries besides its items. */
export class BatchRequestDto {
  @ApiProperty({
    enum: ['atomic', 'independent'],
    description: '`atomic`: all items or none; `independent`: each item on its own, results in order',
  })
  @IsIn(['atomic', 'independent'])
  mode!: BatchMode;
}

/** An item's refusal, as the single request would have answered it (without its request id). */
export class BatchItemError {
  @ApiProperty({ example: 'insufficient_funds' }) error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'Per-field problems, for validation_failed' }) details?: unknown;
}

/** Each item's result, in order: `created` with what was created under `field`, or `refused` with its error. */
export function batchResults<State, Code extends DomainErrorCode, Field extends string, View>(
  items: BatchItemResult<State, Code>[],
  field: Field,
  view: (state: State) => View,
) {
  return items.map((item, index) =>
    item.ok
      ? { index, status: 'created' as const, [field]: view(item.state) }
      : { index, status: 'refused' as const, error: domainErrorBody(item.error) },
  );
}
