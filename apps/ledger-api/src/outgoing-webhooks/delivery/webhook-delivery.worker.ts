import { Inject, Injectable, Logger } from '@nestjs/common';
import { LEDGER_CONFIG, LedgerConfig } from '../../config/ledger-config';
import { toPublicEvent } from '../public-events/public-event.row';
import { retryDelayMs } from './retry-schedule';
import { ClaimedDelivery, WebhookDeliveriesStore } from './webhook-deliveries.store';
import { WebhookSender } from './webhook-sender';
import { Wakeup } from './wakeup';

/** Endpoints delivered to at once by this process: the bound on its concurrency. */
const LANES = 16;
/** Deliveries claimed per endpoint at a time, sent one after another in position order. */
const PER_LANE = 20;
/** How long a claim keeps other live instances off; a dead instance's claims are free at once. */
const LEASE_MS = 5 * 60 * 1000;
const POLL_MS = 1_000;

/**
 * Works the due deliveries: claims them (FOR UPDATE SKIP LOCKED, so instances share the work) in
 * lanes of one endpoint each, sends a lane's deliveries in position order, and records every
 * attempt. A failure reschedules the delivery with backoff and hands the rest of its lane back
 * due at the same time, so a failing endpoint holds up neither other endpoints nor this process.
 */
@Injectable()
export class WebhookDeliveryWorker {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly wakeup = new Wakeup();
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(
    private readonly store: WebhookDeliveriesStore,
    private readonly sender: WebhookSender,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** Something may be due now (new deliveries, a redelivery, an endpoint enabled). */
  wake(): void {
    this.wakeup.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const free = LANES - this.lanes.size;
      const claimed =
        free > 0
          ? await this.store.claim([...this.lanes.keys()], free, PER_LANE, LEASE_MS).catch((error: Error) => {
              this.warn('claiming deliveries failed', error);
              return [];
            })
          : [];
      for (const [endpointId, deliveries] of byEndpoint(claimed)) {
        const lane = this.work(deliveries, signal)
          .catch((error: Error) => this.warn('a delivery lane failed', error))
          .finally(() => {
            this.lanes.delete(endpointId);
            this.wakeup.wake();
          });
        this.lanes.set(endpointId, lane);
      }
      if (claimed.length === 0 || this.lanes.size >= LANES) await this.wakeup.sleep(POLL_MS, signal);
    }
    // Deliveries claimed but not sent stay claimed by this process: once it is gone they are due.
    await Promise.all(this.lanes.values());
  }

  private async work(deliveries: ClaimedDelivery[], signal: AbortSignal): Promise<void> {
    for (const [index, delivery] of deliveries.entries()) {
      if (signal.aborted) return;
      const body = JSON.stringify(toPublicEvent(delivery));
      const outcome = await this.sender.send(delivery.url, delivery.secret, body);
      const delay = outcome.delivered ? 0 : retryDelayMs(delivery.attempts + 1, this.config.webhooks.retryInitialMs);
      await this.store.record(delivery, outcome, delay);
      if (!outcome.delivered) {
        const rest = deliveries.slice(index + 1).map((later) => later.id);
        await this.store.release(delivery.endpoint_id, rest, delay);
        return;
      }
    }
  }

  private warn(message: string, error: Error): void {
    this.logger.warn({ err: { type: error.name, message: error.message } }, message);
  }
}

function byEndpoint(deliveries: ClaimedDelivery[]): Map<string, ClaimedDelivery[]> {
  const lanes = new Map<string, ClaimedDelivery[]>();
  for (const delivery of deliveries)
    lanes.set(delivery.endpoint_id, [...(lanes.get(delivery.endpoint_id) ?? []), delivery]);
  return lanes;
}
