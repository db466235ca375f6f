import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsObject, ValidateNested } from 'class-validator';
import { BatchRequestDto, MAX_BATCH_ITEMS } from '../../http/batch';
import { OptionalButNotNull } from '../../http/optional';
import { CreatePaymentDto } from '../create-payment/create-payment.dto';
import { UuidField } from '../../http/uuid-field';

export class PaymentBatchItemDto extends CreatePaymentDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "The payment's id, unique across payments and transfers (an id a payment, deposit or withdrawal has is refused: `payment_exists`) and not of UUID version 8 (the ledger's derived ids); without one it is derived from the batch's Idempotency-Key and the item's place",
  })
  @OptionalButNotNull()
  @UuidField({ chosen: true })
  id?: string;
}

export class CreatePaymentBatchDto extends BatchRequestDto {
  @ApiProperty({ type: [PaymentBatchItemDto], minItems: 1, maxItems: MAX_BATCH_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  // Items without an id get distinct ones: only ids given twice are refused.
  @ArrayUnique((item: PaymentBatchItemDto | undefined) => item?.id ?? Symbol('no id'), {
    message: 'items must not give the same id twice',
  })
  // ValidateNested lets an array item through unchecked (it validates its elements instead).
  @IsObject({ each: true, message: 'each item must be an object' })
  @ValidateNested({ each: true })
  @Type(() => PaymentBatchItemDto)
  items!: PaymentBatchItemDto[];
}
