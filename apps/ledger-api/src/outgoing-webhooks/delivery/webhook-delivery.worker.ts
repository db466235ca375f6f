import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { LEDGER_CONFIG, LedgerConfig } from '../../config/ledger-config';
import { toPublicEvent } from '../public-events/public-event.row';
import { retryDelayMs } from './retry-schedule';
import { ClaimedDelivery, RecordedAttempt, WebhookDeliveriesStore } from './webhook-deliveries.store';
import { WebhookSender } from './webhook-sender';
import { Wakeup } from './wakeup';

/** Endpoints delivered to at once by this process: the bound on its concurrency. */
const LANES = 16;
/** Deliveries claimed per endpoint at a time, sent one after another in position order. */
const PER_LANE = 20;
/** How long a claim keeps other instances off, should its process live but stall. */
const LEASE_MS = 5 * 60 * 1000;
/** How often claims of processes that died are freed (and once at start). */
const RECLAIM_EVERY_MS = 5_000;
const POLL_MS = 1_000;
const CLAIM_EVERY_MS = 10;

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
    let reclaimedAt = 0;
    while (!signal.aborted) {
      if (Date.now() - reclaimedAt >= RECLAIM_EVERY_MS) {
        reclaimedAt = Date.now();
        await this.store.reclaimAbandoned().catch((error: Error) => this.warn('reclaiming deliveries failed', error));
      }
      const free = LANES - this.lanes.size;
      const claimedAt = performance.now();
      const claimed =
        free > 0
          ? await this.store.claim([...this.lanes.keys()], free, PER_LANE, LEASE_MS).catch((error: Error) => {
              this.warn('claiming deliveries failed', error);
              return [];
            })
          : [];
      for (const [endpointId, deliveries] of byEndpoint(claimed)) {
        const lane = this.work(deliveries, signal)
          .catch((error: Error) => this.warn('a delivery lane failed', error, { endpointId }))
          .finally(() => {
            this.lanes.delete(endpointId);
            this.wakeup.wake();
          });
        this.lanes.set(endpointId, lane);
      }
      if (claimed.length === 0 || this.lanes.size >= LANES) await this.wakeup.sleep(POLL_MS, signal);
      // At most one claim every few ms: under load each takes a lane's worth instead of a row or two;
      // a quiet ledger's claims, far apart, wait for nothing.
      const sinceClaim = performance.now() - claimedAt;
      if (sinceClaim < CLAIM_EVERY_MS)
        await delay(CLAIM_EVERY_MS - sinceClaim, undefined, { signal }).catch(() => undefined);
    }
    // Deliveries claimed but not sent stay claimed by this process: once it is gone they are due.
    await Promise.all(this.lanes.values());
  }

  /**
   * Sends a lane's deliveries one after another and records them together at the end (a crash
   * before that means they are sent again: at least once). A failure ends the lane: the rest is
   * handed back due with the failed one, so the endpoint's backlog keeps its order.
   */
  private async work(deliveries: ClaimedDelivery[], signal: AbortSignal): Promise<void> {
    const attempts: RecordedAttempt[] = [];
    try {
      for (const delivery of deliveries) {
        if (signal.aborted) return;
        const at = new Date();
        const outcome = await this.sender.send(delivery.url, delivery.secret, JSON.stringify(toPublicEvent(delivery)));
        const retry = outcome.delivered ? 0 : retryDelayMs(delivery.attempts + 1, this.config.webhooks.retryInitialMs);
        attempts.push({ eventId: delivery.id, at, outcome, retryDelayMs: retry });
        if (!outcome.delivered) {
          this.logger.debug(
            {
              endpointId: delivery.endpoint_id,
              eventId: delivery.id,
              statusCode: outcome.statusCode,
              error: outcome.error,
              retryInMs: retry,
            },
            'webhook delivery failed; retrying later',
          );
          const rest = deliveries.slice(attempts.length).map((later) => later.id);
          await this.store.release(delivery.endpoint_id, rest, retry);
          return;
        }
      }
    } finally {
      if (attempts.length > 0) await this.store.record(deliveries[0].endpoint_id, attempts);
    }
  }

  private warn(message: string, error: Error, ids: { endpointId?: string } = {}): void {
    this.logger.warn({ ...ids, err: error }, message);
  }
}

function byEndpoint(deliveries: ClaimedDelivery[]): Map<string, ClaimedDelivery[]> {
  const lanes = new Map<string, ClaimedDelivery[]>();
  for (const delivery of deliveries)
    lanes.set(delivery.endpoint_id, [...(lanes.get(delivery.endpoint_id) ?? []), delivery]);
  return lanes;
}
