import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { ConsumerFailure, ConsumerRunner } from '@ledger/consumers';
import { createPool } from '@ledger/database';
import { createEventStore } from '@ledger/event-store/factory';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { InstanceLiveness } from './instance-liveness';
import { asError } from '../logging/as-error';

export const PG_POOL = Symbol('PG_POOL');
/** The Redis client when `REDIS_URL` is set, else null. */
export const REDIS = Symbol('REDIS');

export interface InfrastructureOptions {
  databaseUrl: string;
  eventStoreConnectionString: string | undefined;
  redisUrl: string | undefined;
}

/**
 * Starts consumers once the app is up (feature modules register theirs with the runner while
 * their modules initialise); stops them before the event store and the pool close.
 */
@Injectable()
class InfrastructureLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ConsumerRunner,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool.end();
    await this.redis?.quit().catch(() => undefined);
  }
}

/** The database pool, the event store, the consumer runner, Redis and this process's liveness, shared by every feature module. */
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    const logger = new Logger('Infrastructure');
    const logError = (source: string) => (error: unknown) => logger.warn({ err: asError(error) }, `${source} failed`);
    return {
      module: InfrastructureModule,
      global: true,
      providers: [
        {
          provide: PG_POOL,
          useFactory: () =>
            createPool(options.databaseUrl, { application_name: 'ledger-api' }, logError('database pool')),
        },
        {
          provide: EVENT_STORE,
          inject: [PG_POOL],
          useFactory: (pool: Pool) =>
            createEventStore({
              pool,
              databaseUrl: options.databaseUrl,
              eventStoreConnectionString: options.eventStoreConnectionString,
              onError: logError('event store'),
            }),
        },
        {
          provide: ConsumerRunner,
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) =>
            new ConsumerRunner(store, options.databaseUrl, [], {
              onError: (consumer, error) =>
                error instanceof ConsumerFailure
                  ? logger.warn(
                      { consumer, event: error.event, events: error.events, err: asError(error.cause) },
                      'consumer failed; retrying from its checkpoint',
                    )
                  : logger.warn({ consumer, err: asError(error) }, 'consumer failed'),
            }),
        },
        {
          provide: REDIS,
          useFactory: () => (options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1 }) : null),
        },
        { provide: InstanceLiveness, useFactory: () => new InstanceLiveness(options.databaseUrl) },
        InfrastructureLifecycle,
      ],
      exports: [PG_POOL, EVENT_STORE, ConsumerRunner, REDIS, InstanceLiveness],
    };
  }
}
