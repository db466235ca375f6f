import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, Length } from 'class-validator';
import { CallbackType } from '@ledger/ledger-domain';
import { OptionalButNotNull } from '../../http/optional';
import { UuidField } from '../../http/uuid-field';

export class BankCallbackDto {
  @ApiProperty() @IsString() @Length(1, 200) eventId!: string;
  @ApiProperty({ format: 'uuid' }) @UuidField() transferId!: string;
  @ApiProperty({ enum: ['processing', 'succeeded', 'failed'] })
  @IsIn(['processing', 'succeeded', 'failed'])
  type!: CallbackType;
  @ApiPropertyOptional() @OptionalButNotNull() @IsString() @Length(1, 200) failureReason?: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() occurredAt!: string;
}

export class BankCallbackResponse {
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: ['APPLY', 'IGNORE', 'REJECT', 'MANUAL_REVIEW'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: String }) transferStatus!: string | null;
}
