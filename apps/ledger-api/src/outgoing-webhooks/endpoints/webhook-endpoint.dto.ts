import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, IsUrl, MaxLength } from 'class-validator';
import { OptionalButNotNull } from '../../http/optional';
import { ALL_EVENT_TYPES, PUBLIC_EVENT_TYPES } from '../public-events/public-event-types';

const SUBSCRIBABLE = [ALL_EVENT_TYPES, ...PUBLIC_EVENT_TYPES];
const URL_RULES = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://example.com/ledger-webhooks', maxLength: 2048 })
  @IsUrl(URL_RULES)
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: SUBSCRIBABLE, isArray: true, description: '"*" subscribes to every type.' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(SUBSCRIBABLE.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE, { each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @OptionalButNotNull()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: 2048 })
  @OptionalButNotNull()
  @IsUrl(URL_RULES)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: SUBSCRIBABLE, isArray: true })
  @OptionalButNotNull()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(SUBSCRIBABLE.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ enum: ['enabled', 'disabled'], description: 'Enabling again clears disabledReason.' })
  @OptionalButNotNull()
  @IsIn(['enabled', 'disabled'])
  status?: 'enabled' | 'disabled';

  @ApiPropertyOptional({ maxLength: 500 })
  @OptionalButNotNull()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class WebhookEndpointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: SUBSCRIBABLE, isArray: true }) eventTypes!: string[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: ['enabled', 'disabled'] }) status!: 'enabled' | 'disabled';
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the ledger disabled the endpoint (every delivery failing for 3 days); null otherwise.',
  })
  disabledReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookEndpointWithSecretResponse extends WebhookEndpointResponse {
  @ApiPropertyOptional({
    description:
      'Signs every delivery (Ledger-Signature). Only in the answer to create and rotate-secret, never in an Idempotency-Key replay.',
  })
  secret?: string;
}

export class WebhookEndpointsPage {
  @ApiProperty({ type: [WebhookEndpointResponse] }) data!: WebhookEndpointResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DeliveryAttemptResponse {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'null: no HTTP answer (timeout, refused connection)' })
  statusCode!: number | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ nullable: true, type: String, description: 'What went wrong, truncated; null when delivered.' })
  error!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class DeliveryAttemptsPage {
  @ApiProperty({ type: [DeliveryAttemptResponse], description: 'Newest first.' }) data!: DeliveryAttemptResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class RedeliveryResponse {
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: ['pending'] }) status!: 'pending';
}
