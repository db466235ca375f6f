import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { ConsumerRunner } from '@ledger/consumers';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { PG_POOL } from '../infrastructure/infrastructure.module';
import { PgNotifications } from './delivery/pg-notifications';
import { DELIVERIES_CHANNEL, WebhookDeliveriesStore } from './delivery/webhook-deliveries.store';
import { WebhookDeliveryWorker } from './delivery/webhook-delivery.worker';
import { WebhookFanout } from './delivery/webhook-fanout';
import { WebhookSender } from './delivery/webhook-sender';
import { WebhookEndpointsController } from './endpoints/webhook-endpoints.controller';
import { WebhookEndpointsStore } from './endpoints/webhook-endpoints.store';
import { WebhookTargetPolicy } from './delivery/webhook-target-policy';
import { EventsFeedController } from './events-feed/events-feed.controller';
import { PUBLIC_EVENTS_CHANNEL, publicEventsProjection } from './public-events/public-events.projection';

/**
 * Outgoing webhooks and the events feed (API.md): public events projected from the ledger, the
 * feed that lists them, endpoints, and the loops that fan events out to endpoints and deliver them.
 */
@Module({
  controllers: [EventsFeedController, WebhookEndpointsController],
  providers: [
    WebhookEndpointsStore,
    WebhookDeliveriesStore,
    WebhookFanout,
    WebhookDeliveryWorker,
    {
      provide: WebhookTargetPolicy,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => new WebhookTargetPolicy(config.webhooks.allowPrivateTargets),
    },
    {
      provide: WebhookSender,
      inject: [WebhookTargetPolicy],
      useFactory: (policy: WebhookTargetPolicy) => new WebhookSender(policy),
    },
  ],
})
export class OutgoingWebhooksModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly stop = new AbortController();
  private readonly notifications: PgNotifications;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly runner: ConsumerRunner,
    private readonly fanout: WebhookFanout,
    private readonly deliveries: WebhookDeliveryWorker,
    private readonly sender: WebhookSender,
    @Inject(PG_POOL) pool: Pool,
  ) {
    this.notifications = new PgNotifications(pool, {
      [PUBLIC_EVENTS_CHANNEL]: () => fanout.wake(),
      [DELIVERIES_CHANNEL]: () => deliveries.wake(),
    });
  }

  onModuleInit(): void {
    this.runner.register(publicEventsProjection);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.start();
    this.loops = [this.fanout.run(this.stop.signal), this.deliveries.run(this.stop.signal)];
  }

  async onModuleDestroy(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.loops);
    this.notifications.stop();
    this.sender.close();
  }
}
