import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { Pool } from 'pg';
import { GroupCommitQueue, MigrationSet, prepared } from '@ledger/database';
import {
  AppendOptions,
  AppendRecord,
  AppendRequest,
  AppendResult,
  comparePositions,
  DecidedOnFailedAppendError,
  DuplicateEventIdError,
  EventFilter,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  matchesFilter,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  RecordTakenError,
  SubscribeOptions,
  WrongExpectedRevisionError,
} from '../event-store.port';

import { PostgresNotifier } from './postgres-notifier';

export const POSTGRES_EVENT_STORE_MIGRATIONS: MigrationSet = {
  dir: join(__dirname, 'migrations'),
  table: 'es_migrations',
  // The app appends and reads; it can never change or remove a recorded event or checkpoint. Its
  // stream rows (last revisions and hashes) it inserts and moves on; es_append and
  // es_write_checkpoint run with the caller's rights.
  appGrants: (role) => `
    REVOKE ALL ON es_events, es_streams, es_migrations, es_checkpoints, es_checkpoint_heads FROM ${role};
    GRANT SELECT, INSERT ON es_events, es_checkpoints, es_checkpoint_heads TO ${role};
    GRANT SELECT, INSERT, UPDATE ON es_streams TO ${role};
    GRANT EXECUTE ON FUNCTION es_append, es_write_checkpoint TO ${role};`,
};

const SUBSCRIPTION_BATCH = 1_000;
// Measured with npm run bench:eventstore on 2 cores: 2 beat 1 and 4 at 16 writers.
const DEFAULT_CONCURRENT_BATCHES = 2;
const DEFAULT_APPENDS_PER_BATCH = 100;
const CONCURRENT_READ_BATCHES = 2;
const READS_PER_BATCH = 100;
/** How often a subscriber looks for events when no notification came (a dropped LISTEN, a long transaction). */
const POLL_FALLBACK_MS = 500;
/**
 * A notified append can still be hidden behind an older transaction that is running (the read
 * stops below it); such a transaction may notify nobody when it ends (a projection's, say). So
 * after a notification that brought nothing, look again soon: after 5, 10, 20, 40 and 80 ms.
 */
const HIDDEN_RETRY_FIRST_MS = 5;
const HIDDEN_RETRIES = 5;
const START: Position = { commit: 0n, prepare: 0n };

const EXPECTED_CODES = { any: -1n, no_stream: -2n, stream_exists: -3n } as const;

/** One row of es_append per append: written (error_code null) or why not. */
interface AppendOutcome {
  append_index: number;
  /** ES423: its record was refused (see 1700000006000_append-records.sql). */
  error_code: 'ES409' | 'ES423' | '23505' | null;
  error_detail: string | null;
  transaction_id: string | null;
  last_position: string | null;
  revisions: string[] | null;
}

/** Whether an append was written, as soon as its batch answers (before its caller hears). */
interface AppendState {
  failed?: boolean;
}

/** An append as queued: its requests, what becomes of it, and what becomes of those it follows. */
interface QueuedAppend {
  requests: readonly AppendRequest[];
  record: AppendRecord | undefined;
  state: AppendState;
  after: readonly (AppendState | undefined)[];
}

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

/** `EventFilter` in SQL, `$3` its event types and `$4` its stream prefixes (null: any). */
const FILTER_SQL = `($3::text[] IS NULL OR event_type = ANY($3))
          AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS p WHERE starts_with(stream_name, p)))`;

interface ForwardRead {
  streamName: string;
  fromRevision: bigint;
  maxCount: number | null;
}

export interface PostgresEventStoreOptions {
  onError?: (error: Error) => void;
  /** Batches of appends written at once; further appends wait and are grouped (group commit). */
  concurrentAppendBatches?: number;
  /** Most appends in one batch. */
  maxAppendsPerBatch?: number;
}

export class PostgresEventStore implements EventStore {
  readonly recordsWithAppends = true;
  private readonly notifier: PostgresNotifier;
  private readonly subscriptions = new Set<EventSubscription>();
  private readonly appends: GroupCommitQueue<QueuedAppend, AppendOutcome | 'decided_on_failure'>;
  /** Forward stream reads made at once (a command loads several streams; many commands run) share one query. */
  private readonly forwardReads: GroupCommitQueue<ForwardRead, RecordedEvent[]>;
  /** The state of each append in flight, by the promise `append` answered it with (see `AppendOptions.after`). */
  private readonly appendStates = new WeakMap<Promise<unknown>, AppendState>();

  constructor(
    private readonly pool: Pool,
    connectionString: string,
    options: PostgresEventStoreOptions = {},
  ) {
    this.notifier = new PostgresNotifier(connectionString, options.onError ?? (() => undefined));
    this.appends = new GroupCommitQueue(
      (batch) => this.writeBatch(batch),
      options.concurrentAppendBatches ?? DEFAULT_CONCURRENT_BATCHES,
      options.maxAppendsPerBatch ?? DEFAULT_APPENDS_PER_BATCH,
      {
        // Appends at an exact revision of one stream must reach the database in the order made.
        orderingKeysOf: ({ requests }) =>
          requests
            .filter((request) => typeof request.expectedRevision === 'bigint')
            .map((request) => request.streamName),
      },
    );
    this.forwardReads = new GroupCommitQueue(
      (batch) => this.readBatch(batch),
      CONCURRENT_READ_BATCHES,
      READS_PER_BATCH,
      {
        gatherWithinTick: true,
      },
    );
  }

  append(requests: readonly AppendRequest[], options: AppendOptions = {}): Promise<AppendResult> {
    const state: AppendState = {};
    const appended = this.appendQueued({
      requests,
      record: options.record,
      state,
      after: (options.after ?? []).map((earlier) => this.appendStates.get(earlier)),
    });
    this.appendStates.set(appended, state);
    return appended;
  }

  private async appendQueued(append: QueuedAppend): Promise<AppendResult> {
    const { requests, record } = append;
    if (requests.length === 0 || requests.some((request) => request.events.length === 0)) {
      throw new Error('An append needs at least one event for every stream it names');
    }
    const outcome = await this.appends.submit(append);
    if (outcome === 'decided_on_failure') throw new DecidedOnFailedAppendError();
    if (outcome.error_code !== null) return this.failedAppend(requests, record, outcome);
    return {
      streams: requests.map((request, index) => ({
        streamName: request.streamName,
        revision: BigInt(outcome.revisions![index]),
      })),
      position: { commit: BigInt(outcome.transaction_id!), prepare: BigInt(outcome.last_position!) },
    };
  }

  /**
   * What an append that es_append refused comes to: written after all (a retry), or why not. An
   * append with a record is not answered by events another append wrote: that one's record is not
   * this one's.
   */
  private async failedAppend(
    requests: readonly AppendRequest[],
    record: AppendRecord | undefined,
    outcome: AppendOutcome,
  ): Promise<AppendResult> {
    if (outcome.error_code === 'ES423') throw new RecordTakenError();
    const alreadyWritten = await this.findWritten(requests).catch((error: unknown) => {
      // Some of these events, not all, are on their streams: another append wrote them (two
      // commands creating one stream whose id a caller chose, its events' ids derived from it), and
      // moved the stream this one expected. That revision is what failed it: decided again, as any.
      if (error instanceof DuplicateEventIdError && outcome.error_code === 'ES409') return undefined;
      throw error;
    });
    if (alreadyWritten) {
      if (record) throw new RecordTakenError();
      return alreadyWritten;
    }
    if (outcome.error_code === 'ES409') {
      const { index, actual } = JSON.parse(outcome.error_detail!) as { index: number; actual: string | null };
      const failed = requests[index - 1];
      throw new WrongExpectedRevisionError(
        failed.streamName,
        failed.expectedRevision,
        actual === null ? 'no_stream' : BigInt(actual),
      );
    }
    if (outcome.error_detail === 'es_events_event_id_key') {
      throw new DuplicateEventIdError(requests.flatMap((request) => request.events.map((event) => event.id)));
    }
    throw new Error(`Append violated ${outcome.error_detail}`);
  }

  /**
   * Writes several independent appends in one call of es_append; one outcome per append. One
   * that follows a failed append is not sent; one that follows an append in this very batch
   * expects the revision that append leads to, and es_append fails it if that one fails.
   */
  private async writeBatch(batch: QueuedAppend[]): Promise<(AppendOutcome | 'decided_on_failure')[]> {
    const decidedOnFailure = batch.map(({ after }) => after.some((earlier) => earlier?.failed));
    const rows = await this.callAppend(batch.filter((_, index) => !decidedOnFailure[index]));
    let next = 0;
    return batch.map(({ state }, index) => {
      const outcome = decidedOnFailure[index] ? ('decided_on_failure' as const) : rows[next++];
      state.failed = outcome === 'decided_on_failure' || outcome.error_code !== null;
      return outcome;
    });
  }

  private async callAppend(appends: readonly QueuedAppend[]): Promise<AppendOutcome[]> {
    if (appends.length === 0) return [];
    const batch = appends.map(({ requests }) => requests);
    const streams = batch.flat();
    const events = streams.flatMap((request, streamIndex) =>
      request.events.map((event, offset) => ({ event, stream: streamIndex + 1, offset })),
    );
    const slices = (sizes: number[]) => {
      const from: number[] = [];
      const to: number[] = [];
      let next = 1;
      for (const size of sizes) {
        from.push(next);
        next += size;
        to.push(next - 1);
      }
      return [from, to];
    };
    const [streamFrom, streamTo] = slices(batch.map((append) => append.length));
    const [eventFrom, eventTo] = slices(batch.map((append) => append.reduce((sum, r) => sum + r.events.length, 0)));
    const records = appends.map(({ record }) => record ?? null);
    // Without records, p_records is left to its default: a store migrated before it existed (the
    // benchmark's store without chains) answers the same call.
    const withRecords = records.some((record) => record !== null);
    // Data, metadata and records travel as one JSON array each, unpacked into es_append's arrays
    // in the call: as arrays of JSON texts, each quote was escaped here and unescaped there (4,001
    // events of a batch of 1,000 payments: 73 ms to parse those arrays against 31 ms).
    const jsonArray = (parameter: string, nullable = false) =>
      `ARRAY(SELECT ${nullable ? `nullif(value, 'null')` : 'value'}
               FROM jsonb_array_elements(${parameter}::jsonb) WITH ORDINALITY ORDER BY ordinality)`;
    const { rows } = await this.pool.query<AppendOutcome>(
      prepared(
        `SELECT * FROM es_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${jsonArray('$12')}, ${jsonArray('$13')}${
          withRecords ? `, ${jsonArray('$14', true)}` : ''
        })
          ORDER BY append_index`,
        [
          streamFrom,
          streamTo,
          eventFrom,
          eventTo,
          streams.map((request) => request.streamName),
          streams.map((request) => expectedCode(request.expectedRevision).toString()),
          streams.map((request) => request.events.length),
          events.map((entry) => entry.stream),
          events.map((entry) => entry.offset),
          events.map((entry) => entry.event.id),
          events.map((entry) => entry.event.type),
          JSON.stringify(events.map((entry) => entry.event.data)),
          JSON.stringify(events.map((entry) => entry.event.metadata ?? {})),
          ...(withRecords ? [JSON.stringify(records)] : []),
        ],
      ),
    );
    return rows;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.direction !== 'backwards') {
      return this.forwardReads.submit({
        streamName,
        fromRevision: options.fromRevision ?? 0n,
        maxCount: options.maxCount ?? null,
      });
    }
    const { rows } = await this.pool.query<EventRow>(
      prepared(
        `SELECT ${EVENT_COLUMNS} FROM es_events
          WHERE stream_name = $1 AND stream_revision <= $2
          ORDER BY stream_revision DESC LIMIT $3`,
        [streamName, (options.fromRevision ?? BigInt(Number.MAX_SAFE_INTEGER)).toString(), options.maxCount ?? null],
      ),
    );
    return rows.map(toRecordedEvent);
  }

  /** Several forward reads in one query; one list of events per read, in order. */
  private async readBatch(reads: ForwardRead[]): Promise<RecordedEvent[][]> {
    const { rows } = await this.pool.query<EventRow & { read_index: string }>(
      prepared(
        `SELECT read.read_index, event.* FROM
         unnest($1::text[], $2::bigint[], $3::int[]) WITH ORDINALITY AS read(stream_name, from_revision, max_count, read_index)
         CROSS JOIN LATERAL (
           SELECT ${EVENT_COLUMNS} FROM es_events
            WHERE es_events.stream_name = read.stream_name AND stream_revision >= read.from_revision
            ORDER BY stream_revision LIMIT read.max_count
         ) AS event
        ORDER BY read.read_index, event.stream_revision`,
        [
          reads.map((read) => read.streamName),
          reads.map((read) => read.fromRevision.toString()),
          reads.map((read) => read.maxCount),
        ],
      ),
    );
    const results: RecordedEvent[][] = reads.map(() => []);
    for (const row of rows) results[Number(row.read_index) - 1].push(toRecordedEvent(row));
    return results;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const { rows } = await this.pool.query<EventRow>(
      prepared(
        `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ${FILTER_SQL}
        ORDER BY transaction_id, global_position LIMIT $5`,
        [
          after.commit.toString(),
          after.prepare.toString(),
          options.filter?.eventTypes ?? null,
          options.filter?.streamPrefixes ?? null,
          options.maxCount ?? null,
        ],
      ),
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

  async headPosition(): Promise<Position | undefined> {
    // The same visibility rule as readAll: nothing at or below the head can still appear.
    const { rows } = await this.pool.query<{ commit: string; prepare: string }>(
      prepared(
        `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM es_events
          WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
        [],
      ),
    );
    return rows[0] ? { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) } : undefined;
  }

  async countAfter(position: Position | undefined, filter?: EventFilter): Promise<bigint> {
    const after = position ?? START;
    // Not a prepared statement: planned for the values given, an absent filter drops out and the
    // count reads the $all index alone. A prepared one soon took a generic plan, which visits every
    // event to test the filter's parameters: 63 against 10 ms counting 44,000 events (PostgreSQL 18).
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) FROM es_events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND ${FILTER_SQL}`,
      [after.commit.toString(), after.prepare.toString(), filter?.eventTypes ?? null, filter?.streamPrefixes ?? null],
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
    let hiddenRetries = 0;
    while (!isClosed()) {
      const seen = this.notifier.current();
      // Filtering here rather than in SQL lets the subscription move past unmatched events.
      const batch = await this.readAll({ after, maxCount: SUBSCRIPTION_BATCH });
      for (const event of batch) {
        if (isClosed()) return;
        after = event.position;
        if (matchesFilter(event, options.filter)) yield event;
      }
      if (batch.length === 0 && hiddenRetries > 0) {
        await delay(HIDDEN_RETRY_FIRST_MS * 2 ** (HIDDEN_RETRIES - hiddenRetries), undefined, { ref: false });
        hiddenRetries -= 1;
      } else if (batch.length < SUBSCRIPTION_BATCH) {
        const notified = await this.notifier.wait(seen, POLL_FALLBACK_MS);
        hiddenRetries = notified ? HIDDEN_RETRIES : 0;
      }
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
