import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ConsumerRunner } from '@ledger/consumers';
import { Authenticator } from '../auth/authenticator';
import { EventSourcing } from '@ledger/event-sourcing';

/** What a bounded in-memory structure reports: how full it is and how full it may get. */
interface Bounded {
  readonly size: number;
  readonly capacity?: number;
}

/**
 * The Prometheus registry of this process: Node's own metrics, HTTP requests by route and status,
 * every consumer's lag behind `$all`, and the fill of every in-memory cache, read when scraped.
 */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ledger_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(runner: ConsumerRunner, eventSourcing: EventSourcing, authenticator: Authenticator) {
    collectDefaultMetrics({ register: this.registry });
    const caches = (): Record<string, Bounded> => ({
      stream_states: eventSourcing.sizes.streamStates,
      api_keys: authenticator.principals,
      unknown_api_keys: authenticator.unknownKeys,
      // Not a cache: keys with commands in flight, each dropped when its last command is done.
      account_queues: eventSourcing.sizes.queues,
    });
    new Gauge({
      name: 'ledger_cache_entries',
      help: 'Entries held by an in-memory cache.',
      labelNames: ['cache'],
      registers: [this.registry],
      collect() {
        for (const [cache, { size }] of Object.entries(caches())) this.set({ cache }, size);
      },
    });
    new Gauge({
      name: 'ledger_cache_capacity',
      help: 'Entries an in-memory cache may hold at most (LRU beyond), from configuration.',
      labelNames: ['cache'],
      registers: [this.registry],
      collect() {
        for (const [cache, { capacity }] of Object.entries(caches())) {
          if (capacity !== undefined) this.set({ cache }, capacity);
        }
      },
    });
    new Gauge({
      name: 'ledger_consumer_lag_events',
      help: 'Events after a projection or reactor checkpoint that it handles: 0 when it has nothing left to do.',
      labelNames: ['consumer', 'kind'],
      registers: [this.registry],
      async collect() {
        for (const status of await runner.status()) {
          this.set({ consumer: status.name, kind: status.kind }, Number(status.lag));
        }
      },
    });
  }

  /** Fastify's onResponse hook: counts and times each request once it is answered. */
  readonly onResponse = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    // The route pattern, not the path: ids would make a series per resource.
    const route = request.routeOptions.url ?? 'unmatched';
    this.durations.observe({ method: request.method, route }, reply.elapsedTime / 1_000);
    this.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    done();
  };
}
