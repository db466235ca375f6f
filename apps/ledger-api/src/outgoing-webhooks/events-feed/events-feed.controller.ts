import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Pool } from 'pg';
import { CurrentPrincipal, Principal } from '../../auth/principal';
import { PageQuery } from '../../http/pagination';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { PUBLIC_EVENT_TYPES, PublicEvent, PublicEventType } from '../public-events/public-event-types';
import { PUBLIC_EVENT_DATA_MODELS, PublicEventResponse } from '../public-events/public-event.response';
import { PUBLIC_EVENT_COLUMNS, PublicEventRow, toPublicEvent } from '../public-events/public-event.row';
import { decodeFeedCursor, encodeFeedCursor, FEED_START } from './feed-cursor';
import { ApiAuthenticated, ApiErrors, ApiReadYourWrites, Operation } from '../../http/api-docs';

class EventsQuery extends OmitType(PageQuery, ['cursor'] as const) {
  @ApiPropertyOptional({ description: 'nextCursor of a previous page; omitted: from the first event' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;

  @ApiPropertyOptional({ enum: PUBLIC_EVENT_TYPES })
  @IsOptional()
  @IsIn(PUBLIC_EVENT_TYPES)
  type?: PublicEventType;
}

class EventsPage {
  @ApiProperty({ type: [PublicEventResponse], description: 'Oldest first.' })
  data!: PublicEvent[];

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Where the next page starts. The feed has no end: poll with it later for newer events. Null only before the first event.',
  })
  nextCursor!: string | null;
}

/**
 * The events feed: the caller's public events (admins: everyone's), oldest first, from any point,
 * kept indefinitely, so an integrator can replay what its webhooks missed.
 */
@ApiTags('events')
@ApiAuthenticated()
@ApiExtraModels(...PUBLIC_EVENT_DATA_MODELS)
@Controller('api/v1/events')
export class EventsFeedController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @Operation('listEvents', 'The events feed: public events the caller may see, oldest first, from a cursor')
  @ApiReadYourWrites()
  @ApiOkResponse({ type: EventsPage })
  @ApiErrors('invalid_cursor')
  async list(@Query() query: EventsQuery, @CurrentPrincipal() principal: Principal): Promise<EventsPage> {
    const after = query.after === undefined ? FEED_START : decodeFeedCursor(query.after);
    const { rows } = await this.pool.query<PublicEventRow>(
      `SELECT ${PUBLIC_EVENT_COLUMNS} FROM rm_public_events
        WHERE ($1::uuid IS NULL OR owner_user_ids @> ARRAY[$1::uuid])
          AND ($2::text IS NULL OR type = $2)
          AND (position_commit, position_prepare, ordinal) > ($3::numeric, $4::numeric, $5::int)
        ORDER BY position_commit, position_prepare, ordinal LIMIT $6`,
      [
        principal.role === 'admin' ? null : principal.userId,
        query.type ?? null,
        after.commit,
        after.prepare,
        after.ordinal,
        query.limit,
      ],
    );
    const last = rows[rows.length - 1];
    const next = last
      ? { commit: last.position_commit, prepare: last.position_prepare, ordinal: last.ordinal }
      : query.after && after;
    return { data: rows.map(toPublicEvent), nextCursor: next ? encodeFeedCursor(next) : null };
  }
}
