import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role, ROLES } from '@ledger/ledger-domain';

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiPropertyOptional({
    description:
      'Only in the first answer to POST /users (not in its Idempotency-Key replay): shown once, stored hashed.',
  })
  apiKey?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
