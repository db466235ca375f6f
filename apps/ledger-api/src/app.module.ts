import { DynamicModule, Module } from '@nestjs/common';
import { Pool } from 'pg';
import { EventSourcing } from '@ledger/event-sourcing';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthFailureLimiter } from './auth/auth-failure-limiter';
import { Authenticator } from './auth/authenticator';
import { LEDGER_CONFIG, LedgerConfig } from './config/ledger-config';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { MinPositionInterceptor } from './http/min-position.interceptor';
import { correlationIdOf, requestIdOf } from './http/request-id';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { JournalModule } from './journal/journal.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { PaymentsModule } from './payments/payments.module';
import { OutgoingWebhooksModule } from './outgoing-webhooks/outgoing-webhooks.module';
import { snapshotSource, SnapshotsModule } from './snapshots/snapshots.module';
import { InfrastructureModule, PG_POOL } from './infrastructure/infrastructure.module';
import { BatchCommands } from './shared/batch-commands';
import { Clock, CLOCK, systemClock } from './shared/clock';
import { resolveWebhookSecret, WEBHOOK_SECRET } from './transfers/bank/webhook-secret';
import { TransfersModule } from './transfers/transfers.module';
import { UsersModule } from './users/users.module';

export interface AppOptions {
  config: LedgerConfig;
  databaseUrl: string;
  logger: PinoLogger;
  /** Tests pass a clock they can move. */
  clock?: Clock;
}

/** Config, clock, the write path (`EventSourcing`), authentication and idempotency, shared by every feature module. */
@Module({})
class CoreModule {
  static forRoot(config: LedgerConfig, clock: Clock): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: WEBHOOK_SECRET, useValue: resolveWebhookSecret(config) },
        {
          provide: EventSourcing,
          inject: [EVENT_STORE, PG_POOL],
          useFactory: (store: EventStore, pool: Pool) =>
            new EventSourcing(store, {
              cachedStreams: config.caches.streamStates,
              snapshots: snapshotSource(pool),
              clock,
            }),
        },
        BatchCommands,
        Authenticator,
        AuthFailureLimiter,
        IdempotencyStore,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: MinPositionInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [
        LEDGER_CONFIG,
        CLOCK,
        WEBHOOK_SECRET,
        EventSourcing,
        BatchCommands,
        Authenticator,
        AuthFailureLimiter,
        IdempotencyStore,
      ],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger, clock = systemClock }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            genReqId: requestIdOf,
            // A request's log lines carry the id that ties it to its events and bank calls.
            customProps: (request) => ({ correlationId: correlationIdOf(request) }),
            // Keys and signatures never reach the logs.
            redact: ['req.headers.authorization', 'req.headers["x-bank-signature"]', 'req.headers.cookie'],
          },
        }),
        CqrsModule.forRoot(),
        InfrastructureModule.forRoot({
          databaseUrl,
          eventStoreConnectionString: config.eventStoreConnectionString,
          redisUrl: config.redisUrl,
        }),
        CoreModule.forRoot(config, clock),
        // After CoreModule: limits are per user, so its API-key guard runs first.
        RateLimitsModule,
        HealthModule,
        MetricsModule,
        UsersModule,
        DemoModule,
        AccountsModule,
        TransfersModule,
        PaymentsModule,
        JournalModule,
        SnapshotsModule,
        AdminModule,
        OutgoingWebhooksModule,
        ReconciliationModule,
        LiveModule,
        ConsoleModule.forRoot(),
      ],
    };
  }
}
