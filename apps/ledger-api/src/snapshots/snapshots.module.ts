import { Module, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { ConsumerRunner } from '@ledger/consumers';
import { SnapshotSource } from '@ledger/event-sourcing';
import { parsePosition } from '@ledger/event-store';
import { accountSnapshotsProjection, isSnapshotted } from './account-snapshots.projection';
import { decodeState } from './snapshot-codec';

/** Account snapshots: kept by a projection, read by every aggregate load that misses its cache (`snapshotSource`). */
@Module({})
export class SnapshotsModule implements OnModuleInit {
  constructor(private readonly runner: ConsumerRunner) {}

  onModuleInit(): void {
    this.runner.register(accountSnapshotsProjection);
  }
}

/** Reads account snapshots from `aggregate_snapshots`: the snapshot source of `EventSourcing`. */
export function snapshotSource(pool: Pool): SnapshotSource {
  return {
    covers: isSnapshotted,
    read: async (streamName) => {
      const { rows } = await pool.query<{ revision: string; position: string; state: unknown }>(
        'SELECT revision, position, state FROM aggregate_snapshots WHERE stream_name = $1',
        [streamName],
      );
      const [row] = rows;
      const position = row && parsePosition(row.position);
      return position && { revision: BigInt(row.revision), position, state: decodeState(row.state) };
    },
  };
}
