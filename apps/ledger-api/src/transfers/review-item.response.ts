import { ApiProperty } from '@nestjs/swagger';

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

/** A review item once resolved (POST /api/v1/admin/reviews/{reviewId}/resolve). */
export class ResolvedReviewResponse extends ReviewItemResponse {
  @ApiProperty({ enum: ['accept_bank', 'keep_ledger'] }) decision!: string;
  @ApiProperty() note!: string;
  @ApiProperty({ format: 'uuid', description: 'the admin who decided' }) resolvedBy!: string;
  @ApiProperty({ format: 'date-time' }) resolvedAt!: string;
}
