import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsUUID } from 'class-validator';
import { Currency, SUPPORTED_CURRENCIES } from '@ledger/ledger-domain';
import { OptionalButNotNull } from '../../http/optional';

export class OpenAccountDto {
  @ApiProperty({ enum: SUPPORTED_CURRENCIES, example: 'EUR' })
  @IsIn(SUPPORTED_CURRENCIES, { message: 'currency must be a supported upper-case ISO 4217 code' })
  currency!: Currency;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: open the account for this user.' })
  @OptionalButNotNull()
  @IsUUID()
  // UUIDs are case-insensitive; users' streams are named in lower case.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  userId?: string;
}
