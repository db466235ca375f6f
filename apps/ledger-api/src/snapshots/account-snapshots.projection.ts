import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { positionToString, RecordedEvent } from '@ledger/event-store';
import { AccountEvent, AccountState, evolveAccount, initialAccountState } from '@ledger/ledger-domain';
import { toDomainEvent } from '../shared/event-sourcing';
import { decodeState, encodeState } from './snapshot-codec';

/**
 * Keeps every account's state as of its latest event in `aggregate_snapshots`, one upsert per
 * account per batch. Loading a busy account then reads one row and the few events after it.
 */
export const accountSnapshotsProjection: Projection = {
  kind: 'projection',
  name: 'account-snapshots',
  tables: ['aggregate_snapshots'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (!event.streamName.startsWith('account-')) continue;
      byStream.set(event.streamName, [...(byStream.get(event.streamName) ?? []), event]);
    }
    for (const [streamName, streamEvents] of byStream) {
      const { rows } = await client.query<{ revision: string; state: unknown }>(
        'SELECT revision, state FROM aggregate_snapshots WHERE stream_name = $1',
        [streamName],
      );
      const from = rows[0] ? BigInt(rows[0].revision) : -1n;
      let state = rows[0] ? decodeState<AccountState>(rows[0].state) : initialAccountState;
      let last: RecordedEvent | undefined;
      for (const event of streamEvents) {
        if (event.revision <= from) continue;
        state = evolveAccount(state, toDomainEvent<AccountEvent>(event));
        last = event;
      }
      if (!last) continue;
      await client.query(
        `INSERT INTO aggregate_snapshots (stream_name, revision, position, state, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (stream_name) DO UPDATE
           SET revision = EXCLUDED.revision, position = EXCLUDED.position, state = EXCLUDED.state,
               updated_at = EXCLUDED.updated_at`,
        [streamName, last.revision.toString(), positionToString(last.position), encodeState(state), last.createdAt],
      );
    }
  },
};
