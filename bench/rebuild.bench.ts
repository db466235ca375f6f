/**
 * npm run bench:rebuild — fills the event store with 1,000,000 account events through the
 * adapter, then rebuilds read models from them the way the admin route does: events/s, and
 * memory sampled through the run (rss and heap at each quarter, and the peak).
 * BENCH_REBUILD_EVENTS sets another size.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Projection, ProjectionRebuild } from '@ledger/consumers';
import { withClient } from '@ledger/database';
import { PostgresEventStore } from '@ledger/event-store/postgres';
import { accountsProjection } from '../apps/ledger-api/src/accounts/accounts.projection';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { journalProjection } from '../apps/ledger-api/src/journal/journal.projection';
import { appendAccountHistories } from './account-history';
import { benchDatabase, runBenchmark } from './bench-database';

const EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const EVENTS_PER_ACCOUNT = 500;

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const pool = new Pool({ connectionString: database.url, max: 20 });
  const store = new PostgresEventStore(pool, database.url);
  console.log(`# bench:rebuild on ${database.server}`);

  const filling = performance.now();
  const { events } = await appendAccountHistories(store, {
    accounts: Math.ceil(EVENTS / EVENTS_PER_ACCOUNT),
    eventsPerAccount: EVENTS_PER_ACCOUNT,
    userId: randomUUID(),
  });
  const fillSeconds = (performance.now() - filling) / 1_000;
  console.log(`filled ${events} events in ${fillSeconds.toFixed(1)} s (${Math.round(events / fillSeconds)} events/s)`);
  // Only the owner may vacuum the event store.
  await withClient(database.migrationUrl, (client) => client.query('VACUUM ANALYZE es_events'));

  console.log(
    '\n| rebuild | events | seconds | events/s | rss at 25/50/75/100 % | heap at 25/50/75/100 % | peak rss |',
  );
  console.log('|---|---:|---:|---:|---|---|---:|');
  for (const projection of [accountsProjection, journalProjection] satisfies Projection[]) {
    global.gc?.();
    const rss: number[] = [];
    const heap: number[] = [];
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    let quarter = 1;
    const started = performance.now();
    const { processed } = await new ProjectionRebuild(store, pool, [projection], {
      onProgress: ({ processed: done, total }) => {
        if (done * 4n < BigInt(quarter) * total) return;
        quarter++;
        const memory = process.memoryUsage();
        rss.push(memory.rss);
        heap.push(memory.heapUsed);
      },
    }).run();
    const seconds = (performance.now() - started) / 1_000;
    clearInterval(sampler);
    console.log(
      `| ${projection.name} | ${processed} | ${seconds.toFixed(1)} | ${Math.round(Number(processed) / seconds)} | ` +
        `${rss.map(mib).join(' / ')} | ${heap.map(mib).join(' / ')} | ${mib(peak)} |`,
    );
  }
  await store.close();
  await pool.end();
  await database.close();
}

runBenchmark(main);
