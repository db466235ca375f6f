import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What every review item says: the transfer and the callback that contradicted it. */
class ReviewItemFields {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: ['processing', 'succeeded', 'failed'] }) callbackType!: string;
  @ApiProperty() transferStatus!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** The review item of `review.*` events, as GET /api/v1/admin/reviews lists it. */
export class ReviewItemResponse extends ReviewItemFields {
  @ApiPropertyOptional({ enum: ['accept_bank', 'keep_ledger'], description: 'once resolved' }) decision?: string;
  @ApiPropertyOptional({ description: 'once resolved' }) note?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'once resolved: the admin who decided' }) resolvedBy?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'once resolved' }) resolvedAt?: string;
}

/** A review item once resolved (POST /api/v1/admin/reviews/{reviewId}/resolve). */
export class ResolvedReviewResponse extends ReviewItemFields {
  @ApiProperty({ enum: ['accept_bank', 'keep_ledger'] }) decision!: string;
  @ApiProperty() note!: string;
  @ApiProperty({ format: 'uuid', description: 'the admin who decided' }) resolvedBy!: string;
  @ApiProperty({ format: 'date-time' }) resolvedAt!: string;
}
