import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';

type Handler = (event: RecordedEvent, client: PoolClient) => Promise<unknown>;

/**
 * A projection from one handler per event type; other events pass by. Projections take every
 * event (no filter) so that each checkpoint reaches every position a client may wait for.
 * `tables` are the read-model tables its handlers write (see `Projection.tables`).
 */
export function projection(name: string, tables: readonly string[], handlers: Record<string, Handler>): Projection {
  return {
    kind: 'projection',
    name,
    tables,
    async apply(events, client) {
      for (const event of events) await handlers[event.type]?.(event, client);
    },
  };
}
