import { Pool } from 'pg';
import { EventStore } from './event-store.port';
import { KurrentDbEventStore } from './kurrentdb';
import { PostgresEventStore } from './postgres';

export interface EventStoreConfig {
  /** Set → KurrentDB; unset → the PostgreSQL event store in the ledger's own database. */
  eventStoreConnectionString?: string;
  databaseUrl: string;
  pool: Pool;
  onError?: (error: Error) => void;
}

export function createEventStore(config: EventStoreConfig): EventStore {
  return config.eventStoreConnectionString
    ? new KurrentDbEventStore(config.eventStoreConnectionString, config.onError)
    : new PostgresEventStore(config.pool, config.databaseUrl, { onError: config.onError });
}
