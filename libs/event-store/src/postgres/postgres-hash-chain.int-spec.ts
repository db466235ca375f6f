import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { BrokenLink, brokenLinksOfStream, ChainedEvent } from '../hash-chain';
import { chainEvents } from '../kurrentdb/kurrentdb-hash-chain';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from './postgres-event-store';
import { PostgresHashChain } from './postgres-hash-chain';

const deposit = (amount: number) => ({ id: randomUUID(), type: 'FundsDeposited', data: { amount }, metadata: {} });

/** Data whose jsonb text differs from JSON.stringify's: key order, spacing, numbers, escapes, non-ASCII. */
const awkward = [
  { zeta: 1, a: { yy: [1.5e-7, 1e21, -0.25], x: null }, 'é-key': 'quote " backslash \\ newline \n ctrl \u0007' },
  { amount: '1000', currency: 'EUR', nested: { b: true, a: false, '': 'empty key' }, emoji: '😀 ünïcødé' },
];

/** Tampering is done as the database owner would (the app's role cannot change or delete events). */
describe('Hash chains: each break of the recorded history is found and named', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let chain: PostgresHashChain;
  let owner: Client;
  let stream: string;
  let eventIds: string[];

  beforeEach(async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS]);
    store = new PostgresEventStore(database.pool, database.url);
    chain = new PostgresHashChain(database.pool);
    owner = new Client({ connectionString: database.migrationUrl });
    await owner.connect();
    stream = `account-${randomUUID()}`;
    const events = Array.from({ length: 6 }, (_, index) => deposit(100 + index));
    eventIds = events.map((event) => event.id);
    await store.append([{ streamName: stream, expectedRevision: 'no_stream', events: events.slice(0, 3) }]);
    for (const event of events.slice(3))
      await store.append([{ streamName: stream, expectedRevision: 'any', events: [event] }]);
    await store.append([
      { streamName: `account-${randomUUID()}`, expectedRevision: 'no_stream', events: [deposit(1)] },
    ]);
  });
  afterEach(async () => {
    await owner.end();
    await store.close();
    await database.drop();
  });

  const tamper = (sql: string, values: unknown[] = []) => owner.query(sql, values);
  const links = async () => (await chain.verify()).brokenLinks;

  /** The same events checked stream by stream by the adapter-neutral check that verifies KurrentDB's chains. */
  const neutralLinks = async () => {
    const { rows } = await database.pool.query<{
      stream_name: string;
      revision: string;
      event_id: string;
      event_type: string;
      data: unknown;
      metadata: ChainedEvent['metadata'];
      micros: string;
      hash: string | null;
    }>(
      `SELECT stream_name, stream_revision::text AS revision, event_id::text, event_type, data, metadata,
              (floor(extract(epoch FROM created_at) * 1000000))::bigint::text AS micros, encode(hash, 'hex') AS hash
         FROM es_events ORDER BY stream_name, stream_revision`,
    );
    const streams = new Map<string, ChainedEvent[]>();
    for (const row of rows) {
      const events = streams.get(row.stream_name) ?? [];
      streams.set(row.stream_name, events);
      events.push({
        streamName: row.stream_name,
        revision: BigInt(row.revision),
        id: row.event_id,
        type: row.event_type,
        data: row.data,
        metadata: row.metadata,
        timeMicros: BigInt(row.micros),
        hash: row.hash,
      });
    }
    const found: BrokenLink[] = [];
    for (const events of streams.values()) for await (const link of brokenLinksOfStream(events)) found.push(link);
    return found;
  };

  it('verifies an untouched history with no broken link, checkpoints included', async () => {
    expect(await chain.writeCheckpoint(1, 60_000)).toBe('1');
    await store.append([{ streamName: stream, expectedRevision: 5n, events: [deposit(7)] }]);
    expect(await chain.writeCheckpoint(1, 60_000)).toBe('2');
    expect(await chain.writeCheckpoint(1, 60_000)).toBeNull();
    const report = await chain.verify();
    expect(report).toMatchObject({ events: 8, streams: 2, checkpoints: 2, brokenLinks: [], brokenLinkCount: 0 });
    expect(await neutralLinks()).toEqual([]);
  });

  it('takes into a checkpoint the heads of the streams changed since the one before, and only those', async () => {
    const heads = async (checkpoint: number) =>
      (
        await database.pool.query<{ stream_name: string; revision: string }>(
          'SELECT stream_name, revision FROM es_checkpoint_heads WHERE checkpoint_id = $1 ORDER BY stream_name',
          [checkpoint],
        )
      ).rows;
    await chain.writeCheckpoint(1, 60_000);
    expect(await heads(1)).toHaveLength(2);
    await store.append([{ streamName: stream, expectedRevision: 5n, events: [deposit(7), deposit(8)] }]);
    await chain.writeCheckpoint(1, 60_000);
    expect(await heads(2)).toEqual([{ stream_name: stream, revision: '7' }]);
  });

  it('chains streams that several appends of one group commit write to, failed appends among them', async () => {
    const streams = [stream, `account-${randomUUID()}`, `account-${randomUUID()}`];
    for (const name of streams.slice(1))
      await store.append([{ streamName: name, expectedRevision: 'no_stream', events: [deposit(1)] }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 120 }, (_, index) =>
        store.append([
          { streamName: streams[index % 3], expectedRevision: 'any', events: [deposit(index), deposit(index)] },
          // Every fourth append expects a stream that exists not to: it fails whole.
          {
            streamName: streams[(index + 1) % 3],
            expectedRevision: index % 4 === 0 ? 'no_stream' : 'any',
            events: [deposit(index)],
          },
        ]),
      ),
    );
    const written = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    expect(written).toBe(90);
    expect(await chain.verify()).toMatchObject({ events: 9 + written * 3, brokenLinks: [], brokenLinkCount: 0 });
    expect(await neutralLinks()).toEqual([]);
  });

  it('is computed alike by the KurrentDB adapter: the same events hash to what es_append recorded', async () => {
    const streamName = `compte-é-${randomUUID()}`;
    const events = awkward.map((data, index) => ({
      id: randomUUID().toUpperCase(),
      type: 'Awkward',
      data,
      metadata: { correlationId: `c-${index}`, order: { z: 1, a: 2 } },
    }));
    await store.append([{ streamName, expectedRevision: 'no_stream', events: [events[0]] }]);
    await store.append([{ streamName, expectedRevision: 0n, events: [events[1]] }]);

    const { rows } = await database.pool.query<{ hash: string; micros: string }>(
      `SELECT encode(hash, 'hex') AS hash, (floor(extract(epoch FROM created_at) * 1000000))::bigint::text AS micros
         FROM es_events WHERE stream_name = $1 ORDER BY stream_revision`,
      [streamName],
    );
    const [first] = chainEvents(streamName, undefined, [events[0]], BigInt(rows[0].micros));
    const [second] = chainEvents(streamName, { revision: 0n, hash: first.hash }, [events[1]], BigInt(rows[1].micros));
    expect([first.hash, second.hash]).toEqual(rows.map((row) => row.hash));
    expect(await neutralLinks()).toEqual([]);
  });

  it('names an event whose amount was changed with SQL as edited', async () => {
    await tamper(`UPDATE es_events SET data = '{"amount": 1000000}' WHERE event_id = $1`, [eventIds[2]]);
    expect(await links()).toEqual([
      expect.objectContaining({ kind: 'edited', stream, revision: '2', eventId: eventIds[2] }),
    ]);
    expect(await neutralLinks()).toEqual(await links());
  });

  it('names the revisions of a deleted event as missing', async () => {
    await tamper('DELETE FROM es_events WHERE event_id = $1', [eventIds[3]]);
    expect(await links()).toEqual([
      expect.objectContaining({ kind: 'missing', stream, revision: '4', detail: 'revisions 3 to 3 are missing' }),
    ]);
    expect(await neutralLinks()).toEqual(await links());
  });

  it('names two swapped events as reordered', async () => {
    await tamper(
      `UPDATE es_events SET stream_revision = CASE stream_revision WHEN 1 THEN -1 ELSE 1 END
        WHERE stream_name = $1 AND stream_revision IN (1, 2)`,
      [stream],
    );
    await tamper('UPDATE es_events SET stream_revision = 2 WHERE stream_name = $1 AND stream_revision = -1', [stream]);
    expect(await links()).toEqual([
      expect.objectContaining({ kind: 'reordered', stream, revision: '1', eventId: eventIds[2] }),
      expect.objectContaining({ kind: 'reordered', stream, revision: '2', eventId: eventIds[1] }),
    ]);
    expect(await neutralLinks()).toEqual(await links());
  });

  it('names an event written past the event store as inserted', async () => {
    await tamper(
      `INSERT INTO es_events (stream_name, stream_revision, event_id, event_type, data, metadata, hash)
       VALUES ($1, 6, $2, 'FundsDeposited', '{"amount": 5}', '{}', sha256('forged'))`,
      [stream, randomUUID()],
    );
    expect(await links()).toEqual([expect.objectContaining({ kind: 'inserted', stream, revision: '6' })]);
    // Without a recorded stream head (KurrentDB keeps none), a forged last event reads as an edited one.
    expect(await neutralLinks()).toEqual([expect.objectContaining({ kind: 'edited', stream, revision: '6' })]);
  });

  it("finds a stream's deleted tail, even with its head and its checkpoint's heads rolled back to match", async () => {
    expect(await chain.writeCheckpoint(1, 60_000)).toBe('1');
    await tamper('DELETE FROM es_events WHERE stream_name = $1 AND stream_revision >= 4', [stream]);
    // The tail alone: the stream's recorded head is past its last event.
    expect(await links()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing', stream, revision: '5' }),
        expect.objectContaining({ kind: 'missing', stream: '$checkpoints', revision: '1' }),
      ]),
    );
    // The head rolled back too, and the checkpoint's head row made to agree: its digest does not.
    await tamper(
      `UPDATE es_streams SET revision = 3, hash = (SELECT hash FROM es_events WHERE stream_name = $1 AND stream_revision = 3)
        WHERE stream_name = $1`,
      [stream],
    );
    await tamper(
      `UPDATE es_checkpoint_heads SET revision = 3, hash = (SELECT hash FROM es_events WHERE stream_name = $1 AND stream_revision = 3)
        WHERE stream_name = $1`,
      [stream],
    );
    expect(await links()).toEqual([
      expect.objectContaining({
        kind: 'edited',
        stream: '$checkpoints',
        revision: '1',
        detail: 'its digest does not match its recorded heads',
      }),
    ]);
  });

  it('proves an unchanged history against an exported checkpoint, and refuses a rolled-back one', async () => {
    await chain.writeCheckpoint(1, 60_000);
    const exported = (await chain.latestCheckpoint())!;
    expect(exported).toMatchObject({ id: '1', previousDigest: null, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await store.append([{ streamName: stream, expectedRevision: 5n, events: [deposit(9)] }]);
    expect(await chain.prove(exported)).toMatchObject({ proven: true, reason: null });

    // Everything after an earlier point removed, every trace made consistent: only the export tells.
    await tamper('DELETE FROM es_events WHERE stream_name = $1 AND stream_revision >= 4', [stream]);
    await tamper(
      `UPDATE es_streams SET revision = 3, hash = (SELECT hash FROM es_events WHERE stream_name = $1 AND stream_revision = 3)
        WHERE stream_name = $1`,
      [stream],
    );
    await tamper('DELETE FROM es_checkpoint_heads');
    await tamper('DELETE FROM es_checkpoints');
    expect((await chain.verify()).brokenLinks).toEqual([]);
    expect(await chain.prove(exported)).toMatchObject({
      proven: false,
      reason: 'checkpoint 1 is not in the ledger: its history was rolled back',
    });
  });
});
