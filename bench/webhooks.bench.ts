/**
 * npm run bench:webhooks — outgoing webhooks to 10 endpoints on loopback receivers: latency from a
 * payment's commit (its 201) to each receiver, one payment at a time, then deliveries/s while a
 * burst of payments is made at 16 connections and delivered to all 10.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { DemoUser, seedRequests } from '../apps/ledger-api/src/demo/demo-seed';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { migrateLedgerDatabase } from '../apps/ledger-api/src/infrastructure/migrate';
import { deterministicUuid } from '../apps/ledger-api/src/shared/deterministic-id';
import { benchDatabase, cpuMeter, runBenchmark, startBenchLedger } from './bench-database';
import { measure, percentile } from './measure';

const ENDPOINTS = 10;
const LATENCY_PAYMENTS = 200;
const BURST_PAYMENTS = 1_000;
const BURST_CONNECTIONS = 16;

const user = (name: string, role: DemoUser['role'], funds: number): DemoUser => ({
  name,
  role,
  apiKey: `lk_bench_${name}_key_000000000000`,
  accounts: [{ currency: 'EUR', funds }],
});
const accountOf = (owner: DemoUser) => deterministicUuid('demo-account', owner.name, 'EUR');

/** A receiver that answers 200 at once and notes when each event arrived. */
async function receiver(onEvent: (event: { id: string; type: string; data: { id: string } }, at: number) => void) {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      onEvent(JSON.parse(Buffer.concat(chunks).toString('utf8')), performance.now());
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks` };
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  await migrateLedgerDatabase(database, false);
  const { app, baseUrl } = await startBenchLedger(database.url, { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  const payer = user('payer', 'customer', 1_000_000_000);
  const merchant = user('merchant', 'merchant', 0);
  await app
    .get<EventStore>(EVENT_STORE)
    .append([...seedRequests(payer, new Date()), ...seedRequests(merchant, new Date())]);

  /** Arrival times of payment.captured per payment id, one per endpoint; and every arrival. */
  const captured = new Map<string, number[]>();
  const arrivals: number[] = [];
  const receivers = await Promise.all(
    Array.from({ length: ENDPOINTS }, () =>
      receiver((event, at) => {
        arrivals.push(at);
        if (event.type === 'payment.captured')
          captured.set(event.data.id, [...(captured.get(event.data.id) ?? []), at]);
      }),
    ),
  );
  for (const { url } of receivers) {
    const response = await post('/api/v1/webhook-endpoints', merchant, { url, eventTypes: ['*'] });
    if (response.status !== 201) throw new Error(`endpoint creation answered ${response.status}`);
  }

  async function post(path: string, caller: DemoUser, body: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${caller.apiKey}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { id: string } };
  }
  const pay = async () => {
    const response = await post('/api/v1/payments', payer, {
      payerAccountId: accountOf(payer),
      payeeAccountId: accountOf(merchant),
      amount: 1,
    });
    if (response.status !== 201) throw new Error(`payment answered ${response.status}`);
    return { paymentId: response.body.id, committedAt: performance.now() };
  };
  const allArrived = async (paymentIds: readonly string[]) => {
    while (!paymentIds.every((id) => (captured.get(id)?.length ?? 0) >= ENDPOINTS)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  // 1. Latency: one payment at a time, each delivered to all 10 before the next.
  const latencies: number[] = [];
  for (let index = 0; index < LATENCY_PAYMENTS; index++) {
    const { paymentId, committedAt } = await pay();
    await allArrived([paymentId]);
    latencies.push(...captured.get(paymentId)!.map((at) => at - committedAt));
  }
  latencies.sort((a, b) => a - b);

  // 2. Throughput: a burst of payments, each event delivered to all 10 endpoints.
  const before = arrivals.length;
  const paymentIds: string[] = [];
  const started = performance.now();
  const cpu = cpuMeter();
  const burst = await measure(BURST_PAYMENTS, BURST_CONNECTIONS, async () => paymentIds.push((await pay()).paymentId));
  await allArrived(paymentIds);
  const seconds = (performance.now() - started) / 1000;
  const delivered = arrivals.length - before;
  const cpuPerDelivery = cpu.perRequest(delivered);

  await app.close();
  await Promise.all(receivers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  await database.close();

  console.log(
    `\nWebhooks benchmark — ${database.server}, ${cpus().length} cores, Node ${process.version}; ${ENDPOINTS} endpoints (receivers on loopback in the benchmark process), every event to each\n`,
  );
  console.log('| measure | value |');
  console.log('|---|---:|');
  console.log(
    `| commit (payment 201) → payment.captured at a receiver, one payment at a time, ${latencies.length} deliveries | p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms |`,
  );
  console.log(
    `| burst: ${BURST_PAYMENTS} payments at ${BURST_CONNECTIONS} connections (${Math.round(burst.perSecond)} payments/s), ${delivered} deliveries | ${Math.round(delivered / seconds)} deliveries/s, first payment to last delivery ${seconds.toFixed(1)} s |`,
  );
  console.log(
    `| CPU per delivery during the burst (payments included): machine ms \\| this process ms (API and receivers) | ${cpuPerDelivery.replace(' | ', ' \\| ')} |`,
  );
}

runBenchmark(main);
