import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { POSTGRES_TEST_RECORDS } from '../testing/postgres-test-records';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from './postgres-event-store';

/**
 * es_append writes a call whose appends all hold in a few set-based statements, and hands any
 * other call to es_append_each, one append at a time (migrations 1700000008000, 1700000009000: a
 * stream named again in a call no longer counts as "any other"). Both ways must
 * write the same: here each generated call runs through each function from the same state, in a
 * transaction rolled back after, and what they answer and write is compared.
 */

const EXISTING = 8;
const NEW = 8;
const SEEDED_EVENTS = 2;
const TAKEN_KEY = 'taken';

type Expected = 'right' | 'any' | 'no_stream' | 'stream_exists' | number;

interface EntrySpec {
  stream: number;
  expected: Expected;
  count: number;
  /** Its first event reuses an id already in the stream: the unique constraint fails the append. */
  reusedId: boolean;
}

interface AppendSpec {
  entries: EntrySpec[];
  record: 'none' | 'fresh' | 'taken';
}

const entrySpec: fc.Arbitrary<EntrySpec> = fc.record({
  stream: fc.integer({ min: 0, max: EXISTING + NEW - 1 }),
  expected: fc.oneof(
    { weight: 8, arbitrary: fc.constant<Expected>('right') },
    { weight: 1, arbitrary: fc.constantFrom<Expected>('any', 'no_stream', 'stream_exists') },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) },
  ),
  count: fc.integer({ min: 1, max: 3 }),
  reusedId: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const appendSpec: fc.Arbitrary<AppendSpec> = fc.record({
  entries: fc.array(entrySpec, { minLength: 1, maxLength: 2 }),
  record: fc.oneof(
    { weight: 6, arbitrary: fc.constant<AppendSpec['record']>('none') },
    { weight: 3, arbitrary: fc.constant<AppendSpec['record']>('fresh') },
    { weight: 1, arbitrary: fc.constant<AppendSpec['record']>('taken') },
  ),
});

/** es_append's code for an expectation: 'right' is the stream's head where the call leaves it (none: no_stream). */
function expectedCode(expected: Expected, head: number | undefined): number {
  if (expected === 'right') return head ?? -2;
  if (typeof expected === 'number') return expected;
  return { any: -1, no_stream: -2, stream_exists: -3 }[expected];
}

interface Outcome {
  answers: { error_code: string | null; error_detail: string | null; revisions: string | null; last: number | null }[];
  events: string[];
  heads: string[];
  records: string[];
  /** Events whose hash is not their stream's chain over their content, and heads not at their last event's. */
  brokenLinks: number;
  /** Transactions (or subtransactions) the events were written in. */
  writers: number;
}

describe('es_append: the set-based way writes what one append at a time writes', () => {
  let database: TestDatabase;
  let client: Client;
  const prefix = `paths-${randomUUID()}`;
  const streamName = (index: number) => `${prefix}-${index < EXISTING ? 'existing' : 'new'}-${index}`;
  const seededIds = Array.from({ length: EXISTING }, () => randomUUID());

  beforeAll(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS]);
    const owner = new Client({ connectionString: database.migrationUrl });
    await owner.connect();
    await owner.query(POSTGRES_TEST_RECORDS);
    await owner.query(`INSERT INTO test_records VALUES ($1, '1', 0)`, [TAKEN_KEY]);
    await owner.end();
    client = new Client({ connectionString: database.url });
    await client.connect();
    for (let stream = 0; stream < EXISTING; stream++) {
      const ids = [seededIds[stream], ...Array.from({ length: SEEDED_EVENTS - 1 }, () => randomUUID())];
      await call(
        'es_append',
        callArguments(
          [{ entries: [{ stream, expected: 'no_stream', count: SEEDED_EVENTS, reusedId: false }], record: 'none' }],
          ids,
        ),
      );
    }
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  /** es_append's arguments for a call, built as the adapter builds them; each 'right' expectation where the call's earlier appends leave its stream. */
  function callArguments(appends: AppendSpec[], ids?: string[]): unknown[] {
    const heads = new Map<number, number>(Array.from({ length: EXISTING }, (_, stream) => [stream, SEEDED_EVENTS - 1]));
    const arrays = {
      streamFrom: [] as number[],
      streamTo: [] as number[],
      eventFrom: [] as number[],
      eventTo: [] as number[],
      streams: [] as string[],
      expected: [] as string[],
      counts: [] as number[],
      eventStream: [] as number[],
      eventOffset: [] as number[],
      ids: [] as string[],
      types: [] as string[],
      data: [] as string[],
      metadata: [] as string[],
      records: [] as (string | null)[],
    };
    for (const append of appends) {
      arrays.streamFrom.push(arrays.streams.length + 1);
      arrays.eventFrom.push(arrays.ids.length + 1);
      for (const entry of append.entries) {
        const head = heads.get(entry.stream);
        arrays.streams.push(streamName(entry.stream));
        arrays.expected.push(String(expectedCode(entry.expected, head)));
        arrays.counts.push(entry.count);
        for (let offset = 0; offset < entry.count; offset++) {
          arrays.eventStream.push(arrays.streams.length);
          arrays.eventOffset.push(offset);
          const reused = entry.reusedId && offset === 0 && entry.stream < EXISTING;
          arrays.ids.push(ids?.[arrays.ids.length] ?? (reused ? seededIds[entry.stream] : randomUUID()));
          arrays.types.push(offset % 2 ? 'Moved' : 'Opened');
          arrays.data.push(JSON.stringify({ amount: String(arrays.ids.length * 100), note: `ünïcode ${offset}` }));
          arrays.metadata.push(JSON.stringify({ correlationId: prefix }));
        }
        heads.set(entry.stream, (head ?? -1) + entry.count);
      }
      arrays.streamTo.push(arrays.streams.length);
      arrays.eventTo.push(arrays.ids.length);
      arrays.records.push(
        append.record === 'none' ? null : JSON.stringify({ key: append.record === 'taken' ? TAKEN_KEY : randomUUID() }),
      );
    }
    return [
      arrays.streamFrom,
      arrays.streamTo,
      arrays.eventFrom,
      arrays.eventTo,
      arrays.streams,
      arrays.expected,
      arrays.counts,
      arrays.eventStream,
      arrays.eventOffset,
      arrays.ids,
      arrays.types,
      arrays.data,
      arrays.metadata,
      arrays.records,
    ];
  }

  async function call(fn: 'es_append' | 'es_append_each', args: unknown[]) {
    return client.query<{
      error_code: string | null;
      error_detail: string | null;
      revisions: string | null;
      last_position: string | null;
    }>(
      `SELECT error_code, error_detail, revisions::text, last_position
         FROM ${fn}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ORDER BY append_index`,
      args,
    );
  }

  /** Runs a call through one function and reads what it wrote, then undoes it. */
  async function outcomeOf(fn: 'es_append' | 'es_append_each', args: unknown[]): Promise<Outcome> {
    await client.query('BEGIN');
    try {
      const { rows } = await call(fn, args);
      const written = await client.query<{
        stream_name: string;
        stream_revision: string;
        event_id: string;
        event_type: string;
        data: unknown;
        metadata: unknown;
        global_position: string;
        xmin: string;
      }>(
        `SELECT stream_name, stream_revision, event_id, event_type, data, metadata, global_position, xmin::text
           FROM es_events WHERE transaction_id = pg_current_xact_id() ORDER BY global_position`,
      );
      const positions = written.rows.map((row) => row.global_position);
      const rank = (position: string | null) => (position === null ? null : positions.indexOf(position));
      const heads = await client.query<{ stream_name: string; revision: string }>(
        'SELECT stream_name, revision FROM es_streams WHERE stream_name LIKE $1 ORDER BY stream_name',
        [`${prefix}%`],
      );
      const records = await client.query<{ last_position: string }>(
        `SELECT last_position::text FROM test_records WHERE key <> $1 ORDER BY test_records.last_position`,
        [TAKEN_KEY],
      );
      const broken = await client.query<{ count: string }>(
        `SELECT count(*) FROM (
           SELECT hash, es_event_hash(lag(hash) OVER w,
                    es_event_content(stream_name, stream_revision, event_id, event_type, data, metadata, created_at)) AS chained,
                  lead(hash) OVER w IS NULL AS last, stream_name
             FROM es_events WHERE stream_name LIKE $1
           WINDOW w AS (PARTITION BY stream_name ORDER BY stream_revision)
         ) AS e
         LEFT JOIN es_streams AS s ON s.stream_name = e.stream_name
         WHERE e.hash IS DISTINCT FROM e.chained OR (e.last AND s.hash IS DISTINCT FROM e.hash)`,
        [`${prefix}%`],
      );
      return {
        answers: rows.map((row) => ({
          error_code: row.error_code,
          error_detail: row.error_detail,
          revisions: row.revisions,
          last: rank(row.last_position),
        })),
        events: written.rows.map((row) =>
          JSON.stringify([row.stream_name, row.stream_revision, row.event_id, row.event_type, row.data, row.metadata]),
        ),
        heads: heads.rows.map((row) => `${row.stream_name}@${row.revision}`),
        records: records.rows.map((row) => String(rank(row.last_position))),
        brokenLinks: Number(broken.rows[0].count),
        writers: new Set(written.rows.map((row) => row.xmin)).size,
      };
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it('answers and writes the same for any call, and chains every event', async () => {
    let setBased = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(appendSpec, { minLength: 1, maxLength: 5 }), async (appends) => {
        const args = callArguments(appends);
        const both = await outcomeOf('es_append', args);
        const each = await outcomeOf('es_append_each', args);
        expect(both).toEqual({ ...each, writers: both.writers });
        expect(both.brokenLinks).toBe(0);
        const written = both.answers.filter((answer) => answer.error_code === null).length;
        // One append at a time writes each in a subtransaction of its own: one writer for several
        // appends is the set-based way.
        if (written > 1 && both.writers === 1) setBased++;
      }),
      { numRuns: 150 },
    );
    expect(setBased).toBeGreaterThan(10);
  });

  it('writes a group of single-event appends on distinct streams the set-based way', async () => {
    const appends: AppendSpec[] = Array.from({ length: EXISTING + NEW }, (_, stream) => ({
      entries: [{ stream, expected: 'right', count: 1, reusedId: false }],
      record: stream % 2 ? 'fresh' : 'none',
    }));
    const outcome = await outcomeOf('es_append', callArguments(appends));
    expect(outcome.answers.map((answer) => answer.error_code)).toEqual(appends.map(() => null));
    expect(outcome.answers.map((answer) => answer.last)).toEqual(appends.map((_, index) => index));
    expect(outcome.answers.map((answer) => answer.revisions)).toEqual(
      appends.map((_, stream) => `{${stream < EXISTING ? SEEDED_EVENTS : 0}}`),
    );
    expect(outcome.records).toEqual(
      appends.flatMap((append, index) => (append.record === 'fresh' ? [String(index)] : [])),
    );
    expect(outcome.writers).toBe(1);
    expect(outcome.brokenLinks).toBe(0);
  });

  it('writes a group naming one stream in every append the set-based way: payments to one merchant', async () => {
    const merchant = 0;
    const appends: AppendSpec[] = Array.from({ length: 6 }, (_, payer) => ({
      entries: [
        { stream: EXISTING + payer, expected: 'right', count: 2, reusedId: false },
        { stream: merchant, expected: payer % 2 ? 'any' : 'right', count: 1, reusedId: false },
      ],
      record: 'fresh',
    }));
    const args = callArguments(appends);
    const outcome = await outcomeOf('es_append', args);
    expect(outcome.answers.map((answer) => answer.error_code)).toEqual(appends.map(() => null));
    // The merchant's revisions follow each other across the call's appends.
    expect(outcome.answers.map((answer) => answer.revisions)).toEqual(
      appends.map((_, payer) => `{1,${SEEDED_EVENTS + payer}}`),
    );
    expect(outcome.heads).toContain(`${streamName(merchant)}@${SEEDED_EVENTS + appends.length - 1}`);
    expect(outcome.writers).toBe(1);
    expect(outcome.brokenLinks).toBe(0);
    expect(outcome).toEqual({ ...(await outcomeOf('es_append_each', args)), writers: 1 });
  });
});
