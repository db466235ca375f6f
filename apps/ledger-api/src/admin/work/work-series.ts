import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConsumerRunner } from '@ledger/consumers';
import { LiveHub } from '../../live';
import { LedgerMetrics } from '../../metrics/ledger-metrics';

export const SAMPLE_EVERY_MS = 5_000;
/** Ten minutes of samples. */
export const SAMPLES_KEPT = 120;

export interface WorkSample {
  at: string;
  requestsPerSecond: number;
  paymentsPerSecond: number;
  lag: number;
}

interface Counts {
  atMs: number;
  requests: number;
  payments: number;
  processed: Map<string, number>;
}

/** A rate to two decimals: enough for a chart, and stable JSON. */
const rate = (delta: number, seconds: number) => (seconds > 0 ? Math.round((delta / seconds) * 100) / 100 : 0);

/**
 * The work dashboard's chart: every 5 s, requests answered by this instance, payments made (seen
 * on `$all`, so every instance's) and the consumers' summed lag, over the last ten minutes. Also
 * each consumer's events per second over the last sample.
 */
@Injectable()
export class WorkSeries implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WorkSeries');
  private readonly samples: WorkSample[] = [];
  private rates = new Map<string, number>();
  private payments = 0;
  private last: Counts | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopObserving: (() => void) | undefined;

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly metrics: LedgerMetrics,
    private readonly hub: LiveHub,
  ) {}

  onApplicationBootstrap(): void {
    this.stopObserving = this.hub.observe((event) => {
      if (event.type === 'PaymentAuthorized') this.payments += 1;
    });
    void this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.stopObserving?.();
  }

  /** Oldest first. */
  series(): WorkSample[] {
    return [...this.samples];
  }

  /** Events per second a consumer handled in this instance over the last sample. */
  eventsPerSecond(consumer: string): number {
    return this.rates.get(consumer) ?? 0;
  }

  private async sample(): Promise<void> {
    try {
      const [statuses, requests] = await Promise.all([this.runner.status(), this.requestsAnswered()]);
      const now: Counts = {
        // Wall time, not the ledger's clock (which tests move): this charts the machine's work.
        atMs: Date.now(),
        requests,
        payments: this.payments,
        processed: new Map(statuses.map((status) => [status.name, status.processed])),
      };
      const lag = statuses.reduce((sum, status) => sum + status.lag, 0n);
      if (this.last) {
        const seconds = (now.atMs - this.last.atMs) / 1000;
        const previous = this.last;
        this.rates = new Map(
          [...now.processed].map(([name, count]) => [name, rate(count - (previous.processed.get(name) ?? 0), seconds)]),
        );
        this.samples.push({
          at: new Date(now.atMs).toISOString(),
          requestsPerSecond: rate(now.requests - previous.requests, seconds),
          paymentsPerSecond: rate(now.payments - previous.payments, seconds),
          lag: Number(lag),
        });
        if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
      }
      this.last = now;
    } catch (error) {
      // A sample missed (the database busy or restarting) leaves a gap in the chart, nothing more.
      this.logger.debug({ err: { type: (error as Error).name, message: (error as Error).message } }, 'sample failed');
    }
  }

  private async requestsAnswered(): Promise<number> {
    const counter = this.metrics.registry.getSingleMetric('ledger_http_requests_total');
    const { values } = (await counter?.get()) ?? { values: [] };
    return values.reduce((sum, { value }) => sum + value, 0);
  }
}
