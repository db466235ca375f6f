import { join } from 'node:path';
import { DatabaseError, Pool } from 'pg';
import { MigrationSet } from '@ledger/database';
import {
  AppendRequest,
  AppendResult,
  comparePositions,
  DuplicateEventIdError,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  matchesFilter,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { PostgresNotifier } from './postgres-notifier';

export const POSTGRES_EVENT_STORE_MIGRATIONS: MigrationSet = {
  dir: join(__dirname, 'migrations'),
  table: 'es_migrations',
};

const SUBSCRIPTION_BATCH = 1_000;
/** How often a subscriber looks for events when no notification came (a dropped LISTEN, a long transaction). */
const POLL_FALLBACK_MS = 500;
const START: Position = { commit: 0n, prepare: 0n };

const EXPECTED_CODES = { any: -1n, no_stream: -2n, stream_exists: -3n } as const;

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_name: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  created_at: Date;
}

const EVENT_COLUMNS =
  'global_position, transaction_id, stream_name, stream_revision, event_id, event_type, data, metadata, created_at';

export class PostgresEventStore implements EventStore {
  private readonly notifier: PostgresNotifier;
  private readonly subscriptions = new Set<EventSubscription>();

  constructor(
    private readonly pool: Pool,
    connectionString: string,
    onError: (error: Error) => void = () => undefined,
  ) {
    this.notifier = new PostgresNotifier(connectionString, onError);
  }

  async append(requests: readonly AppendRequest[]): Promise<AppendResult> {
    if (requests.length === 0 || requests.some((request) => request.events.length === 0)) {
      throw new Error('An append needs at least one event for every stream it names');
    }
    // Lock stream rows in one global order so that crossing multi-stream appends cannot deadlock.
    const ordered = [...requests].sort((a, b) => (a.streamName < b.streamName ? -1 : 1));
    const flat = ordered.flatMap((request, streamIndex) =>
      request.events.map((event, offset) => ({ event, stream: streamIndex + 1, offset })),
    );
    try {
      const { rows } = await this.pool.query<{ transaction_id: string; last_position: string; revisions: string[] }>(
        'SELECT * FROM es_append($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          ordered.map((request) => request.streamName),
          ordered.map((request) => expectedCode(request.expectedRevision).toString()),
          ordered.map((request) => request.events.length),
          flat.map((entry) => entry.stream),
          flat.map((entry) => entry.offset),
          flat.map((entry) => entry.event.id),
          flat.map((entry) => entry.event.type),
          flat.map((entry) => JSON.stringify(entry.event.data)),
          flat.map((entry) => JSON.stringify(entry.event.metadata ?? {})),
        ],
      );
      const [row] = rows;
      return {
        streams: ordered.map((request, index) => ({
          streamName: request.streamName,
          revision: BigInt(row.revisions[index]),
        })),
        position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.last_position) },
      };
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error;
      const isConflict = error.code === 'ES409';
      const isDuplicateId = error.code === '23505' && error.constraint === 'es_events_event_id_key';
      if (!isConflict && !isDuplicateId) throw error;
      const alreadyWritten = await this.findWritten(ordered);
      if (alreadyWritten) return alreadyWritten;
      if (isDuplicateId) throw new DuplicateEventIdError(flat.map((entry) => entry.event.id));
      const { index, actual } = JSON.parse(error.detail ?? '{}') as { index: number; actual: string | null };
      const failed = ordered[index - 1];
      throw new WrongExpectedRevisionError(
        failed.streamName,
        failed.expectedRevision,
        actual === null ? 'no_stream' : BigInt(actual),
      );
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? BigInt(Number.MAX_SAFE_INTEGER) : 0n);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE stream_name = $1 AND stream_revision ${backwards ? '<=' : '>='} $2
        ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamName, from.toString(), options.maxCount ?? null],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($3::text[] IS NULL OR event_type = ANY($3))
          AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS p WHERE starts_with(stream_name, p)))
        ORDER BY transaction_id, global_position LIMIT $5`,
      [
        after.commit.toString(),
        after.prepare.toString(),
        options.filter?.eventTypes ?? null,
        options.filter?.streamPrefixes ?? null,
        options.maxCount ?? null,
      ],
    );
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    let closed = false;
    const subscription: EventSubscription = {
      [Symbol.asyncIterator]: () => this.follow(options, () => closed),
      close: async () => {
        closed = true;
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async countAfter(position: Position | undefined): Promise<bigint> {
    const after = position ?? START;
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) FROM es_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`,
      [after.commit.toString(), after.prepare.toString()],
    );
    return BigInt(rows[0].count);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1 FROM es_streams LIMIT 1');
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.notifier.close();
  }

  private async *follow(options: SubscribeOptions, isClosed: () => boolean): AsyncGenerator<RecordedEvent> {
    let after = options.after ?? START;
    while (!isClosed()) {
      const seen = this.notifier.current();
      // Filtering here rather than in SQL lets the subscription move past unmatched events.
      const batch = await this.readAll({ after, maxCount: SUBSCRIPTION_BATCH });
      for (const event of batch) {
        if (isClosed()) return;
        after = event.position;
        if (matchesFilter(event, options.filter)) yield event;
      }
      if (batch.length < SUBSCRIPTION_BATCH) await this.notifier.wait(seen, POLL_FALLBACK_MS);
    }
  }

  /** The result of an earlier append of exactly these events, if one was made. */
  private async findWritten(requests: readonly AppendRequest[]): Promise<AppendResult | undefined> {
    const keys = requests.flatMap((request) => request.events.map((event) => [request.streamName, event.id]));
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE (stream_name, event_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))`,
      [keys.map(([stream]) => stream), keys.map(([, id]) => id)],
    );
    if (rows.length === 0) return undefined;
    if (rows.length !== keys.length) throw new DuplicateEventIdError(rows.map((row) => row.event_id));
    const events = rows.map(toRecordedEvent);
    const lastRevision = (streamName: string) =>
      events
        .filter((event) => event.streamName === streamName)
        .reduce((max, e) => (e.revision > max ? e.revision : max), -1n);
    const last = events.reduce((max, event) => (comparePositions(event.position, max.position) > 0 ? event : max));
    return {
      streams: requests.map((request) => ({
        streamName: request.streamName,
        revision: lastRevision(request.streamName),
      })),
      position: last.position,
    };
  }
}

function expectedCode(expected: ExpectedRevision): bigint {
  if (typeof expected === 'bigint') {
    if (expected < 0n) throw new RangeError(`Expected revision must be >= 0, got ${expected}`);
    return expected;
  }
  return EXPECTED_CODES[expected];
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    revision: BigInt(row.stream_revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    createdAt: row.created_at,
  };
}
