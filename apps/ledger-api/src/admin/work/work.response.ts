import { ApiProperty } from '@nestjs/swagger';

class ConsumerErrorResponse {
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ConsumerWorkResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['projection', 'reactor'] }) kind!: 'projection' | 'reactor';
  @ApiProperty({ enum: ['running', 'rebuilding', 'retrying', 'stopped'] })
  status!: 'running' | 'rebuilding' | 'retrying' | 'stopped';
  @ApiProperty({ type: String, nullable: true, description: 'The API instance leading this consumer.' })
  leader!: string | null;
  @ApiProperty({ description: 'Opaque $all position of its checkpoint ("" before the first event).' })
  position!: string;
  @ApiProperty({ description: 'Events of $all after its checkpoint.' }) lag!: number;
  @ApiProperty({ description: 'Events this instance handled per second over the last sample.' })
  eventsPerSecond!: number;
  @ApiProperty({ type: ConsumerErrorResponse, nullable: true }) lastError!: ConsumerErrorResponse | null;
}

export class RetryingTransferResponse {
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal'] }) kind!: 'deposit' | 'withdrawal';
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class ParkedTransferResponse {
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal'] }) kind!: 'deposit' | 'withdrawal';
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) parkedAt!: string;
}

export class BankWorkResponse {
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) circuit!: 'closed' | 'open' | 'half-open';
  @ApiProperty({ description: 'Transfers waiting to be sent to the bank.' }) waiting!: number;
  @ApiProperty({ description: 'Transfers sent, awaiting the bank’s callback.' }) sent!: number;
  @ApiProperty({ type: [RetryingTransferResponse], description: 'The 100 due soonest.' })
  retrying!: RetryingTransferResponse[];
  @ApiProperty({ type: [ParkedTransferResponse], description: 'The 100 parked most recently.' })
  parked!: ParkedTransferResponse[];
}

export class WorkSampleResponse {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'HTTP requests this instance answered per second.' }) requestsPerSecond!: number;
  @ApiProperty({ description: 'Payments made per second (every instance).' }) paymentsPerSecond!: number;
  @ApiProperty({ description: 'Events behind, summed over every consumer.' }) lag!: number;
}

/** GET /api/v1/admin/work: the asynchronous work at a glance. */
export class WorkResponse {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [ConsumerWorkResponse] }) consumers!: ConsumerWorkResponse[];
  @ApiProperty({ type: BankWorkResponse }) bank!: BankWorkResponse;
  @ApiProperty({ type: [WorkSampleResponse], description: 'The last 10 minutes, one sample per 5 s, oldest first.' })
  series!: WorkSampleResponse[];
}
