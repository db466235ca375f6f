import { ApiProperty } from '@nestjs/swagger';

export class TransferResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() amount!: number | string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['pending', 'parked', 'processing', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
