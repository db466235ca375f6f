/**
 * npm run bench:eventstore — our PostgreSQL event store beside @event-driven-io/emmett-postgresql
 * on the same database in the same run: appends/s and p50/p99 for 1- and 10-event appends with 1
 * and 16 writers, stream reads/s, and $all catch-up events/s.
 * `npm run bench:eventstore -- --chains`: only ours with and without hash chains, single-event
 * appends, in rounds that alternate which goes first (a quicker, steadier figure for the chains' cost).
 */
import { dumbo } from '@event-driven-io/dumbo';
import { isExpectedVersionConflictError } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DatabaseUrls, migrateDatabase, withClient } from '@ledger/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@ledger/event-store/postgres';
import { BenchDatabase, benchDatabase, runBenchmark } from './bench-database';
import { measure, Measured } from './measure';

const POOL_SIZE = 20;
const STREAMS = 1_000;
const READS = 4_000;
const CHAIN_ROUNDS = 6;

interface Contender {
  name: string;
  prepare(): Promise<unknown>;
  append(streamName: string, count: number): Promise<unknown>;
  readStream(streamName: string): Promise<number>;
  /** Reads all of $all from the start in batches; returns how many events it saw. */
  catchUp(): Promise<number>;
  close(): Promise<void>;
  /** Failures its own semantics say to try again. */
  retryable?: (error: unknown) => boolean;
}

const payload = (index: number) => ({ accountId: randomUUID(), amount: String(1_000 + index), currency: 'EUR' });

/** The event store before hash chains: its first migration alone, in a schema of its own. */
const WITHOUT_CHAINS_SCHEMA = 'es_without_chains';

async function createStoreWithoutChains(url: string): Promise<void> {
  const migration = await readFile(join(POSTGRES_EVENT_STORE_MIGRATIONS.dir, '1700000000000_event-store.sql'), 'utf8');
  const up = migration.slice(0, migration.indexOf('-- Down Migration'));
  await withClient(url, (client) =>
    client.query(`CREATE SCHEMA ${WITHOUT_CHAINS_SCHEMA}; SET search_path = ${WITHOUT_CHAINS_SCHEMA}; ${up}`),
  );
}

function ours(database: DatabaseUrls, chains: boolean): Contender {
  const pool = new Pool({
    connectionString: database.url,
    max: POOL_SIZE,
    options: chains ? undefined : `-c search_path=${WITHOUT_CHAINS_SCHEMA}`,
  });
  const store = new PostgresEventStore(pool, database.url);
  return {
    name: chains ? 'ours' : 'ours, no chains',
    prepare: () =>
      chains ? migrateDatabase(database, [POSTGRES_EVENT_STORE_MIGRATIONS]) : createStoreWithoutChains(database.url),
    append: (streamName, count) =>
      store.append([
        {
          streamName,
          expectedRevision: 'any',
          events: Array.from({ length: count }, (_, index) => ({
            id: randomUUID(),
            type: 'Deposited',
            data: payload(index),
          })),
        },
      ]),
    readStream: async (streamName) => (await store.readStream(streamName)).length,
    catchUp: async () => {
      let seen = 0;
      let after;
      for (;;) {
        const batch = await store.readAll({ after, maxCount: 1_000 });
        if (batch.length === 0) return seen;
        seen += batch.length;
        after = batch[batch.length - 1].position;
      }
    },
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

function emmett(url: string): Contender {
  const pool = new Pool({ connectionString: url, max: POOL_SIZE });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pooled: true, pool } });
  const reader = dumbo({ connectionString: url });
  return {
    name: 'Emmett',
    prepare: () => store.schema.migrate(),
    // Two writers creating one stream at once: Emmett reports a version conflict, to be retried.
    retryable: isExpectedVersionConflictError,
    append: (streamName, count) =>
      store.appendToStream(
        streamName,
        Array.from({ length: count }, (_, index) => ({ type: 'Deposited', data: payload(index) })),
      ),
    readStream: async (streamName) => (await store.readStream(streamName)).events.length,
    catchUp: async () => {
      let seen = 0;
      let after = 0n;
      for (;;) {
        const batch = await readMessagesBatch(reader.execute, { after, batchSize: 1_000 });
        seen += batch.messages.length;
        after = batch.currentGlobalPosition;
        if (!batch.areMessagesLeft || batch.messages.length === 0) return seen;
      }
    },
    close: async () => {
      await store.close();
      await reader.close();
      await pool.end();
    },
  };
}

/**
 * Once per contender, before anything is measured: the first run of each met colder code and
 * caches than the ones after it (the first scenario measured ours at 0.64× of the store without
 * chains, which the alternating rounds of --chains put at about 0.9×).
 */
async function warmUp(contender: Contender): Promise<void> {
  for (const writers of [1, 16]) {
    await measure(2_000, writers, (index) => contender.append(`warmup${contender.name}-${index % 100}`, 1), {
      retryable: contender.retryable,
    });
  }
}

/** After a short warm-up on streams of its own, `total` appends over `streams` by `writers` at once. */
async function measureAppends(
  contender: Contender,
  streams: readonly string[],
  eventsPerAppend: number,
  writers: number,
  total: number,
): Promise<Measured> {
  const retry = { retryable: contender.retryable };
  await measure(
    200,
    writers,
    (index) => contender.append(`warm${contender.name}-${index % 50}`, eventsPerAppend),
    retry,
  );
  return measure(total, writers, (index) => contender.append(streams[index % streams.length], eventsPerAppend), retry);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)];
}

/** Ours with and without hash chains, single-event appends, rounds alternating which goes first. */
async function compareChains(database: BenchDatabase): Promise<void> {
  const contenders = [ours(database, true), ours(database, false)];
  for (const contender of contenders) await contender.prepare();
  for (const contender of contenders) await warmUp(contender);
  console.log(`\nHash chains on/off — ${database.server}, ${cpus().length} cores, Node ${process.version}\n`);
  for (const writers of [1, 16]) {
    const total = writers === 1 ? 1_500 : 6_000;
    const rates = new Map<Contender, number[]>(contenders.map((contender) => [contender, []]));
    for (let round = 0; round < CHAIN_ROUNDS; round++) {
      for (const contender of round % 2 === 0 ? contenders : [...contenders].reverse()) {
        const streams = Array.from({ length: STREAMS }, (_, index) => `chains${contender.name}${writers}-${index}`);
        rates.get(contender)!.push((await measureAppends(contender, streams, 1, writers, total)).perSecond);
      }
    }
    const [on, off] = contenders.map((contender) => rates.get(contender)!);
    const ratios = on.map((rate, round) => rate / off[round]);
    console.log(
      `1-event appends, ${writers} writer${writers > 1 ? 's' : ''}: on ${Math.round(median(on))}/s, off ${Math.round(median(off))}/s (medians of ${CHAIN_ROUNDS}); ` +
        `on/off by round ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(2)}× (target ≥ 0.9×)`,
    );
  }
  for (const contender of contenders) await contender.close();
}

interface Row {
  metric: string;
  values: number[];
  higherIsBetter: boolean;
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  if (process.argv.includes('--chains')) {
    await compareChains(database);
    return database.close();
  }
  // Ours with hash chains against Emmett, and against itself without them (issue: chains cost ≤ 10 %).
  const contenders = [ours(database, true), emmett(database.url), ours(database, false)];
  for (const contender of contenders) await contender.prepare();
  for (const contender of contenders) await warmUp(contender);

  const rows: Row[] = [];
  const failures: string[] = [];
  const record = (metric: string, values: number[], higherIsBetter = true) =>
    rows.push({ metric, values, higherIsBetter });
  /** Failed operations beside the figures, and what the last one said, below the table. */
  const recordFailures = (metric: string, measured: Measured[]) => {
    if (measured.every((result) => result.errors === 0)) return;
    record(
      metric,
      measured.map((result) => result.errors),
      false,
    );
    measured.forEach((result, index) => {
      if (result.lastError) failures.push(`${contenders[index].name}, ${metric}: ${result.lastError}`);
    });
  };
  const streamsOf = (contender: Contender, scenario: string) =>
    Array.from({ length: STREAMS }, (_, index) => `bench${contender.name}${scenario}-${index}`);

  let scenario = 0;
  for (const eventsPerAppend of [1, 10]) {
    for (const writers of [1, 16]) {
      const total = writers === 1 ? 1_500 : 6_000;
      const results = new Map<Contender, Awaited<ReturnType<typeof measure>>>();
      // Alternate who goes first, so neither always meets a colder or a fuller database.
      const order = scenario++ % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const streams = streamsOf(contender, `${eventsPerAppend}x${writers}`);
        results.set(contender, await measureAppends(contender, streams, eventsPerAppend, writers, total));
      }
      const measured = contenders.map((contender) => results.get(contender)!);
      const label = `${eventsPerAppend}-event appends, ${writers} writer${writers > 1 ? 's' : ''}`;
      record(
        `${label}: appends/s`,
        measured.map((result) => result.perSecond),
      );
      record(
        `${label}: p50 ms`,
        measured.map((result) => result.p50),
        false,
      );
      record(
        `${label}: p99 ms`,
        measured.map((result) => result.p99),
        false,
      );
      recordFailures(`${label}: failed appends`, measured);
    }
  }

  const reads = [];
  for (const contender of contenders) {
    const streams = streamsOf(contender, '10x16');
    reads.push(
      await measure(READS, 16, (index) => contender.readStream(streams[index % STREAMS]), {
        retryable: contender.retryable,
      }),
    );
  }
  record(
    'stream reads/s (16 readers, ~60-event streams)',
    reads.map((result) => result.perSecond),
  );
  recordFailures('stream reads: failed', reads);

  const catchUps = [];
  for (const contender of contenders) {
    const started = performance.now();
    // A catch-up that fails gives no figure (NaN, shown as "—") rather than no table.
    const events = await contender.catchUp().catch((error: Error) => {
      failures.push(`${contender.name} $all catch-up: ${error.message}`);
      return Number.NaN;
    });
    catchUps.push(events / ((performance.now() - started) / 1000));
  }
  record('$all catch-up events/s', catchUps);

  const format = (value: number) =>
    Number.isNaN(value) ? '—' : value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
  console.log(`\nEvent store benchmark — ${database.server}, ${cpus().length} cores, Node ${process.version}\n`);
  console.log('| metric | ours | Emmett | ours/Emmett | ours, no chains | chains on/off |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const [mine, theirs, unchained] = row.values;
    const ratio = (a: number, b: number) => {
      const value = row.higherIsBetter ? a / b : b / a;
      return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
    };
    console.log(
      `| ${row.metric} | ${format(mine)} | ${format(theirs)} | ${ratio(mine, theirs)} | ${format(unchained)} | ${ratio(mine, unchained)} |`,
    );
  }
  if (failures.length > 0)
    console.log(`\nFailures (counted, not fatal):\n${failures.map((line) => `- ${line}`).join('\n')}`);
  const headline = rows.find((row) => row.metric === '1-event appends, 16 writers: appends/s')!;
  const [mine, theirs] = headline.values;
  console.log(
    `\n16 writers, 1-event appends: ours ${format(mine)}/s vs Emmett ${format(theirs)}/s = ${(mine / theirs).toFixed(2)}× (target ≥ 2×)`,
  );
  const [, , unchained] = headline.values;
  console.log(
    `16 writers, 1-event appends: hash chains on ${format(mine)}/s vs off ${format(unchained)}/s = ${(mine / unchained).toFixed(2)}× (target ≥ 0.9×)`,
  );

  for (const contender of contenders) await contender.close();
  await database.close();
}

runBenchmark(main);
