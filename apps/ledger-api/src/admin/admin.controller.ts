import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConsumerRunner } from '@ledger/consumers';
import { EVENT_STORE, EventStore, positionToString } from '@ledger/event-store';
import { Roles } from '../auth/principal';
import { ApiError } from '../http/api-error';
import { jsonAmount } from '../http/json-amount';
import { ProjectionRebuilds } from './rebuild-projection/projection-rebuilds';
import { ProjectionStatusResponse, StreamResponse } from './admin.response';
import { ApiAdminOnly, ApiReadYourWrites, Operation } from '../http/api-docs';

class ReadStreamQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  fromRevision: number = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}

const STREAM_NAME = /^[a-z]{1,40}-[A-Za-z0-9-]{1,100}$/;

/** Admin views of the event store and the projections (API.md, Admin). */
@ApiTags('admin')
@ApiAdminOnly()
@Roles('admin')
@Controller('api/v1/admin')
export class AdminController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ConsumerRunner,
    private readonly rebuilds: ProjectionRebuilds,
  ) {}

  @Get('projections')
  @Operation('listProjections', 'Projections with their position, lag and status (admin)')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: [ProjectionStatusResponse] })
  async projections() {
    const [statuses, rebuilding] = await Promise.all([this.runner.status(), this.rebuilds.rebuilding()]);
    return statuses
      .filter((status) => status.kind === 'projection')
      .map((status) => ({
        name: status.name,
        position: status.position,
        lag: jsonAmount(status.lag),
        status: rebuilding.has(status.name) ? 'rebuilding' : 'live',
        updatedAt: status.updatedAt?.toISOString() ?? null,
      }));
  }

  /** A stream's events for audit, paged by revision. */
  @Get('streams/:streamName')
  @Operation('readStream', 'A stream’s events by revision, for audit (admin)')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: StreamResponse })
  async stream(@Param('streamName') streamName: string, @Query() query: ReadStreamQuery) {
    if (!STREAM_NAME.test(streamName)) {
      throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
        { field: 'streamName', problems: ['streamName must look like <category>-<id>'] },
      ]);
    }
    const events = await this.store.readStream(streamName, {
      fromRevision: BigInt(query.fromRevision),
      maxCount: query.limit,
    });
    return {
      stream: streamName,
      events: events.map((event) => ({
        id: event.id,
        revision: jsonAmount(event.revision),
        position: positionToString(event.position),
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        createdAt: event.createdAt.toISOString(),
      })),
    };
  }
}
