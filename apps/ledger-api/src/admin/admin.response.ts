import { ApiProperty } from '@nestjs/swagger';

export class ProjectionStatusResponse {
  @ApiProperty({ example: 'accounts' }) name!: string;
  @ApiProperty({ description: 'the checkpoint (opaque)' }) position!: string;
  @ApiProperty({ description: 'events in $all not yet handled' }) lag!: number;
  @ApiProperty({ enum: ['live', 'rebuilding'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt!: string | null;
}

export class StreamEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ description: 'position in $all (opaque)' }) position!: string;
  @ApiProperty({ example: 'FundsHeld' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class StreamResponse {
  @ApiProperty({ example: 'account-0b5c…' }) stream!: string;
  @ApiProperty({ type: [StreamEventResponse] }) events!: StreamEventResponse[];
}
