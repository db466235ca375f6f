import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { PaymentResponse, RefundResponse } from '../../payments';
import { ReviewItemResponse, TransferResponse } from '../../transfers';
import { PUBLIC_EVENT_TYPES, PublicEventType } from './public-event-types';

/** The models an event's `data` may be: register them with `@ApiExtraModels` where this is used. */
export const PUBLIC_EVENT_DATA_MODELS = [PaymentResponse, RefundResponse, TransferResponse, ReviewItemResponse];

export class PublicEventResponse {
  @ApiProperty({ format: 'uuid', description: 'Stable: deliveries and the feed repeat it; receivers dedupe by it.' })
  id!: string;

  @ApiProperty({ enum: PUBLIC_EVENT_TYPES })
  type!: PublicEventType;

  @ApiProperty({ format: 'date-time', description: 'When the ledger recorded the fact.' })
  created!: string;

  @ApiProperty({ description: 'The ledger position of the fact (opaque; usable as X-Min-Position).' })
  position!: string;

  @ApiProperty({
    description:
      'The resource as the API shows it at that moment: a Transfer (deposit.*, withdrawal.*), a Payment (payment.*), a Refund (refund.*) or a review item (review.*).',
    oneOf: PUBLIC_EVENT_DATA_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
  })
  data!: unknown;
}
