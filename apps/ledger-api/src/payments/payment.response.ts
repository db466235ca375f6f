import { ApiProperty } from '@nestjs/swagger';

export class PaymentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) payerAccountId!: string;
  @ApiProperty({ format: 'uuid' }) payeeAccountId!: string;
  @ApiProperty() amount!: number | string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['automatic', 'manual'] }) captureMethod!: string;
  @ApiProperty({ enum: ['authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'expired'] })
  status!: string;
  @ApiProperty() authorizedAmount!: number | string;
  @ApiProperty() capturedAmount!: number | string;
  @ApiProperty() refundedAmount!: number | string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) captureExpiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RefundResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty() amount!: number | string;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ enum: ['succeeded'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
