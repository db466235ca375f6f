import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, Max } from 'class-validator';
import { UuidField } from '../../http/uuid-field';

export class RequestTransferDto {
  @ApiProperty({ format: 'uuid' })
  @UuidField()
  accountId!: string;

  @ApiProperty({ description: 'Minor units (cents): a positive integer up to 9007199254740991', example: 2500 })
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;
}
