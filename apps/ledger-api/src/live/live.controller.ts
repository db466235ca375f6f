import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Position } from '@ledger/event-store';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiError } from '../http/api-error';
import { ApiAuthenticated, ApiErrors, Operation } from '../http/api-docs';
import { takeOverResponse } from '../http/raw-response';
import { LiveHub } from './live-hub';
import { decodeLiveCursor } from './live-cursor';
import { LiveChangeNotice, LiveReady, LiveReset } from './live-notice.response';

class LiveQuery {
  @ApiPropertyOptional({ description: 'Resume after this cursor (a change notice id). Without it: from now on.' })
  @IsOptional()
  @IsString()
  after?: string;
}

/** Server-Sent Events of the changes the caller may see (API.md, Live updates). */
@ApiTags('live')
@ApiAuthenticated()
@ApiExtraModels(LiveChangeNotice, LiveReady, LiveReset)
@Controller('api/v1/live')
export class LiveController {
  constructor(private readonly hub: LiveHub) {}

  @Get()
  @Operation('streamLiveChanges', 'Follow the changes you may see, as Server-Sent Events')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this cursor (as `after`).' })
  @ApiOkResponse({
    description:
      'A stream of `event: change` (data: LiveChangeNotice, id: its cursor), `event: ready` (LiveReady) once caught ' +
      'up, `event: reset` (LiveReset) when the cursor cannot be resumed, and `: keep-alive` every 15 s.',
    content: {
      'text/event-stream': {
        // OpenAPI 3.0 cannot describe a stream of messages: this is the JSON `data` of each one
        // (anyOf: the SSE `event:` name, not the data, says which).
        schema: {
          anyOf: [LiveChangeNotice, LiveReady, LiveReset].map((model) => ({ $ref: getSchemaPath(model) })),
        },
      },
    },
  })
  @ApiErrors('validation_failed')
  async live(
    @CurrentPrincipal() viewer: Principal,
    @Query() query: LiveQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after =
      query.after !== undefined ? resumeFrom(query.after, 'after') : resumeFrom(lastEventId, 'Last-Event-ID');
    await this.hub.connect(viewer, takeOverResponse(reply), after);
  }
}

function resumeFrom(cursor: string | undefined, field: string): Position | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeLiveCursor(cursor);
  if (!position) {
    throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
      { field, problems: [`${field} must be a cursor this server issued`] },
    ]);
  }
  return position;
}
