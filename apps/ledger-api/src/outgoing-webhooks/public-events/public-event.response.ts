import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { PaymentResponse, RefundResponse } from '../../payments/payment.response';
import { TransferResponse } from '../../transfers/transfer.response';
import { PUBLIC_EVENT_TYPES, PublicEventType } from './public-event-types';

/** The review item of `review.*` events, as GET /api/v1/admin/reviews lists it. */
export class ReviewItemResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: ['processing', 'succeeded', 'failed'] }) callbackType!: string;
  @ApiProperty() transferStatus!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

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

/** A review item once resolved (POST /api/v1/admin/reviews/{reviewId}/resolve). */
export class ResolvedReviewResponse extends ReviewItemResponse {
  @ApiProperty({ enum: ['accept_bank', 'keep_ledger'] }) decision!: string;
  @ApiProperty() note!: string;
  @ApiProperty({ format: 'uuid', description: 'the admin who decided' }) resolvedBy!: string;
  @ApiProperty({ format: 'date-time' }) resolvedAt!: string;
}
