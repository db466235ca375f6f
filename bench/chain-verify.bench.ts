/**
 * npm run bench:chain — hash-chain verification on a large event store: CHAIN_EVENTS events
 * (default 1,000,000) appended through the store in 100-event appends over 10,000 streams, a
 * checkpoint, then verify: events/s, and this process's peak memory (the checks run in the
 * database and only broken links come back, so it stays flat).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Pool } from 'pg';
import { migrateDatabase } from '@ledger/database';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore, PostgresHashChain } from '@ledger/event-store/postgres';
import { benchDatabase, runBenchmark } from './bench-database';
import { measure } from './measure';

const EVENTS = Number(process.env.CHAIN_EVENTS ?? 1_000_000);
const EVENTS_PER_APPEND = 100;
const STREAMS = 10_000;

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateDatabase(database, [POSTGRES_EVENT_STORE_MIGRATIONS]);
  const pool = new Pool({ connectionString: database.url, max: 20 });
  const store = new PostgresEventStore(pool, database.url);
  const chain = new PostgresHashChain(pool);

  const appends = Math.ceil(EVENTS / EVENTS_PER_APPEND);
  const filled = await measure(appends, 16, (index) =>
    store.append([
      {
        streamName: `account-${index % STREAMS}`,
        expectedRevision: 'any',
        events: Array.from({ length: EVENTS_PER_APPEND }, (_, offset) => ({
          id: randomUUID(),
          type: 'FundsCredited',
          data: { accountId: randomUUID(), amount: String(1_000 + offset), currency: 'EUR' },
        })),
      },
    ]),
  );
  const checkpointStarted = performance.now();
  await chain.writeCheckpoint(1, 0);
  const checkpointMs = performance.now() - checkpointStarted;

  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const report = await chain.verify();
  const verifyMs = performance.now() - started;
  clearInterval(sampler);

  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(`\nHash-chain verification — ${database.server}, ${cpus().length} cores, Node ${process.version}\n`);
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(
    `| events (streams) | ${report.events.toLocaleString('en-US')} (${report.streams.toLocaleString('en-US')}) |`,
  );
  console.log(
    `| filling: events/s appended (100-event appends, 16 writers) | ${Math.round(filled.perSecond * EVENTS_PER_APPEND).toLocaleString('en-US')} |`,
  );
  console.log(`| one checkpoint over all of them | ${(checkpointMs / 1000).toFixed(1)} s |`);
  console.log(`| verify: time | ${(verifyMs / 1000).toFixed(1)} s |`);
  console.log(`| verify: events/s | ${Math.round(report.events / (verifyMs / 1000)).toLocaleString('en-US')} |`);
  console.log(`| verify: this process's RSS before → peak | ${mb(rssBefore)} → ${mb(peakRss)} MB |`);
  console.log(`| broken links found | ${report.brokenLinkCount} |`);

  await store.close();
  await pool.end();
  await database.close();
}

runBenchmark(main);
