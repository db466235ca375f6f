import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { CaptureMethod } from '@ledger/ledger-domain';
import { OptionalButNotNull } from '../../http/optional';
import { UuidField } from '../../http/uuid-field';
import { MinorUnits } from '../../http/minor-units';

export class CreatePaymentDto {
  @ApiProperty({ format: 'uuid' }) @UuidField() payerAccountId!: string;
  @ApiProperty({ format: 'uuid' }) @UuidField() payeeAccountId!: string;

  @ApiProperty({ description: 'Minor units: a positive integer up to 9007199254740991' })
  @MinorUnits()
  amount!: number;

  @ApiPropertyOptional({ enum: ['automatic', 'manual'], default: 'automatic' })
  @OptionalButNotNull()
  @IsIn(['automatic', 'manual'])
  captureMethod: CaptureMethod = 'automatic';

  @ApiPropertyOptional({ minimum: 1, maximum: 2_592_000, default: 604_800 })
  @OptionalButNotNull()
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  captureWindowSeconds: number = 604_800;

  @ApiPropertyOptional({ maxLength: 500 }) @OptionalButNotNull() @IsString() @MaxLength(500) description?: string;
}
