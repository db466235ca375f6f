import { ApiProperty } from '@nestjs/swagger';

export class RebuildStartedResponse {
  @ApiProperty({ format: 'uuid' }) rebuildId!: string;
  @ApiProperty({ enum: ['running'] }) status!: string;
}

export class RebuildProgressResponse {
  @ApiProperty({ format: 'uuid' }) rebuildId!: string;
  @ApiProperty({ type: [String], description: 'every projection rebuilt together' }) projections!: string[];
  @ApiProperty({ enum: ['running', 'done', 'failed'] }) status!: string;
  @ApiProperty() processed!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'events per second so far' }) rate!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    description: 'rows that differed per table; null when they could not be compared',
  })
  differences!: Record<string, number> | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}
