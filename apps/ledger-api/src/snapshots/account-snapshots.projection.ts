import { PoolClient } from 'pg';
import { prepared } from '@ledger/database';
import { Projection } from '@ledger/consumers';
import { positionToString, RecordedEvent } from '@ledger/event-store';
import {
  AccountEvent,
  AccountState,
  accountStreamName,
  evolveAccount,
  initialAccountState,
} from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { decodeState, encodeState } from './snapshot-codec';

const ACCOUNT_STREAM_PREFIX = accountStreamName('');

/** Only account streams are snapshotted: they are the long ones. */
export const isSnapshotted = (streamName: string) => streamName.startsWith(ACCOUNT_STREAM_PREFIX);

interface Snapshot {
  revision: bigint;
  state: AccountState;
  last: RecordedEvent | undefined;
}

/**
 * Keeps every account's state as of its latest event in `aggregate_snapshots`. A batch reads the
 * snapshots of the accounts it touches in one query and writes them back in one upsert. Loading a
 * busy account then reads one row and the few events after it.
 */
export const accountSnapshotsProjection: Projection = {
  kind: 'projection',
  name: 'account-snapshots',
  tables: ['aggregate_snapshots'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const accountEvents = events.filter((event) => isSnapshotted(event.streamName));
    if (accountEvents.length === 0) return;
    const streamNames = [...new Set(accountEvents.map((event) => event.streamName))];
    const { rows } = await client.query<{ stream_name: string; revision: string; state: unknown }>(
      prepared('SELECT stream_name, revision, state FROM aggregate_snapshots WHERE stream_name = ANY($1::text[])', [
        streamNames,
      ]),
    );
    const snapshots = new Map<string, Snapshot>(
      rows.map((row) => [
        row.stream_name,
        { revision: BigInt(row.revision), state: decodeState<AccountState>(row.state), last: undefined },
      ]),
    );
    for (const event of accountEvents) {
      const snapshot = snapshots.get(event.streamName) ?? {
        revision: -1n,
        state: initialAccountState,
        last: undefined,
      };
      // A redelivered batch finds its events already in the snapshot.
      if (event.revision <= snapshot.revision) continue;
      snapshots.set(event.streamName, {
        revision: event.revision,
        state: evolveAccount(snapshot.state, toDomainEvent<AccountEvent>(event)),
        last: event,
      });
    }
    const moved = [...snapshots].flatMap(([streamName, { state, last }]) =>
      last ? [{ streamName, state, last }] : [],
    );
    if (moved.length === 0) return;
    await client.query(
      prepared(
        `INSERT INTO aggregate_snapshots (stream_name, revision, position, state, updated_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::timestamptz[])
       ON CONFLICT (stream_name) DO UPDATE
         SET revision = EXCLUDED.revision, position = EXCLUDED.position, state = EXCLUDED.state,
             updated_at = EXCLUDED.updated_at`,
        [
          moved.map(({ streamName }) => streamName),
          moved.map(({ last }) => last.revision.toString()),
          moved.map(({ last }) => positionToString(last.position)),
          moved.map(({ state }) => encodeState(state)),
          moved.map(({ last }) => last.createdAt),
        ],
      ),
    );
  },
};
