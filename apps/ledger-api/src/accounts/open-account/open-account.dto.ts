import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Currency, SUPPORTED_CURRENCIES } from '@ledger/ledger-domain';
import { OptionalButNotNull } from '../../http/optional';
import { UuidField } from '../../http/uuid-field';

export class OpenAccountDto {
  @ApiProperty({ enum: SUPPORTED_CURRENCIES, example: 'EUR' })
  @IsIn(SUPPORTED_CURRENCIES, { message: 'currency must be a supported upper-case ISO 4217 code' })
  currency!: Currency;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: open the account for this user.' })
  @OptionalButNotNull()
  @UuidField()
  userId?: string;
}
