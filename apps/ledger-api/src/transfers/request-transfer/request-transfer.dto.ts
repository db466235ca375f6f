import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsPositive, IsUUID, Max } from 'class-validator';

export class RequestTransferDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId!: string;

  @ApiProperty({ description: 'Minor units (cents): a positive integer up to 9007199254740991', example: 2500 })
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;
}
