import { DynamicModule, Module } from '@nestjs/common';
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
import { SnapshotsModule } from './snapshots/snapshots.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { Clock, CLOCK, systemClock } from './shared/clock';
import { KeyedQueue } from './shared/keyed-queue';
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

/** Config, clock, authentication and idempotency, shared by every feature module. */
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
        KeyedQueue,
        Authenticator,
        AuthFailureLimiter,
        IdempotencyStore,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: MinPositionInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [LEDGER_CONFIG, CLOCK, WEBHOOK_SECRET, KeyedQueue, Authenticator, AuthFailureLimiter, IdempotencyStore],
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
          cachedStreamStates: config.caches.streamStates,
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
