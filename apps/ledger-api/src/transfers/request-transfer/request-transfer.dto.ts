import { ApiProperty } from '@nestjs/swagger';
import { UuidField } from '../../http/uuid-field';
import { MinorUnits } from '../../http/minor-units';

export class RequestTransferDto {
  @ApiProperty({ format: 'uuid' })
  @UuidField()
  accountId!: string;

  @ApiProperty({ description: 'Minor units (cents): a positive integer up to 9007199254740991', example: 2500 })
  @MinorUnits()
  amount!: number;
}
