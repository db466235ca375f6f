import { Injectable, Logger } from '@nestjs/common';
import { WebhookDeliveriesStore } from './webhook-deliveries.store';
import { Wakeup } from './wakeup';

const EVENTS_PER_ROUND = 500;
/** How often it looks without a notification (one lost with a dropped LISTEN connection). */
const POLL_MS = 1_000;

/**
 * Follows the public events from its checkpoint and queues a delivery per subscribed endpoint.
 * Woken by the public-events projection's notification; the fan-out itself is one statement
 * (see WebhookDeliveriesStore.fanOut), idempotent per (endpoint, event).
 */
@Injectable()
export class WebhookFanout {
  private readonly logger = new Logger('WebhookFanout');
  private readonly wakeup = new Wakeup();

  constructor(private readonly store: WebhookDeliveriesStore) {}

  wake(): void {
    this.wakeup.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const moved = await this.store.fanOut(EVENTS_PER_ROUND).catch((error: Error) => {
        this.logger.warn({ err: error }, 'webhook fan-out failed');
        return 0;
      });
      if (moved < EVENTS_PER_ROUND) await this.wakeup.sleep(POLL_MS, signal);
    }
  }
}
