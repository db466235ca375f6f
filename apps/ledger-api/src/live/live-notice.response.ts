import { ApiProperty } from '@nestjs/swagger';

const KINDS = ['account', 'transfer', 'payment', 'user', 'review', 'other'];

/** `event: change` of GET /api/v1/live, for the OpenAPI document (the stream itself is text). */
export class LiveChangeNotice {
  @ApiProperty({ description: 'Opaque cursor of the event; also the SSE id, for `after` / Last-Event-ID.' })
  position!: string;

  @ApiProperty({ example: 'PaymentCaptured' })
  type!: string;

  @ApiProperty({ example: 'payment-7d1c5a0e-2f47-4a8e-9a53-3f9cbd2d1f0a' })
  stream!: string;

  @ApiProperty({ enum: KINDS })
  kind!: 'account' | 'transfer' | 'payment' | 'user' | 'review' | 'other';

  @ApiProperty({ description: 'The entity to re-fetch: account, transfer, payment, user or review id.' })
  id!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Accounts the event touches.' })
  accountIds!: string[];

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
}

/** `event: ready`: the catch-up is done (or there was none); live changes follow. */
export class LiveReady {
  @ApiProperty({ description: 'Cursor up to which the client is now caught up.' })
  position!: string;
}

/** `event: reset`: the server cannot resume from the cursor; reload, then reconnect without one. */
export class LiveReset {
  @ApiProperty()
  reason!: string;
}
