import { PoolClient } from 'pg';
import { EventFilter, RecordedEvent } from '@ledger/event-store';

/**
 * Builds a read model. `apply` runs inside the transaction that also moves the checkpoint, so a
 * batch is applied exactly once or not at all.
 */
export interface Projection {
  kind: 'projection';
  name: string;
  filter?: EventFilter;
  /**
   * The read-model tables it writes, unqualified, so that a rebuild can build them afresh in
   * another schema (the name resolves through `search_path`). Without them it cannot be rebuilt.
   */
  tables?: readonly string[];
  apply(events: readonly RecordedEvent[], client: PoolClient): Promise<void>;
}

/**
 * Causes a side effect per event. Delivery is at-least-once (the checkpoint moves only after
 * `handle` succeeded), so `handle` must be idempotent, keyed by an id taken from the event.
 */
export interface Reactor {
  kind: 'reactor';
  name: string;
  filter?: EventFilter;
  handle(event: RecordedEvent): Promise<void>;
}

export type Consumer = Projection | Reactor;
