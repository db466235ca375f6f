import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsObject, IsIn, ValidateNested } from 'class-validator';
import { TransferKind } from '@ledger/ledger-domain';
import { BatchRequestDto, MAX_BATCH_ITEMS } from '../../http/batch';
import { OptionalButNotNull } from '../../http/optional';
import { RequestTransferDto } from '../request-transfer/request-transfer.dto';
import { UuidField } from '../../http/uuid-field';

export class TransferBatchItemDto extends RequestTransferDto {
  @ApiProperty({ enum: ['deposit', 'withdrawal'] })
  @IsIn(['deposit', 'withdrawal'])
  kind!: TransferKind;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "The transfer's id, unique across payments and transfers (an id a payment, deposit or withdrawal has is refused: `transfer_exists`) and not of UUID version 8 (the ledger's derived ids); without one it is derived from the batch's Idempotency-Key and the item's place",
  })
  @OptionalButNotNull()
  @UuidField({ chosen: true })
  id?: string;
}

export class RequestTransferBatchDto extends BatchRequestDto {
  @ApiProperty({ type: [TransferBatchItemDto], minItems: 1, maxItems: MAX_BATCH_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  // Items without an id get distinct ones: only ids given twice are refused.
  @ArrayUnique((item: TransferBatchItemDto | undefined) => item?.id ?? Symbol('no id'), {
    message: 'items must not give the same id twice',
  })
  // ValidateNested lets an array item through unchecked (it validates its elements instead).
  @IsObject({ each: true, message: 'each item must be an object' })
  @ValidateNested({ each: true })
  @Type(() => TransferBatchItemDto)
  items!: TransferBatchItemDto[];
}
