import { Pool, PoolClient } from 'pg';
import { prepared } from '@ledger/database';
import { parsePosition, Position, positionToString } from '@ledger/event-store';

/** A pool or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

export interface Checkpoint {
  name: string;
  position: Position | undefined;
  updatedAt: Date;
}

/** Raised when a checkpoint moved under us: another instance leads this consumer now. */
export class CheckpointMovedError extends Error {
  constructor(readonly consumerName: string) {
    super(`Checkpoint of consumer ${consumerName} was moved by another instance`);
    this.name = 'CheckpointMovedError';
  }
}

export async function readCheckpoint(client: Queryable, name: string): Promise<Checkpoint> {
  await client.query('INSERT INTO consumer_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
  const { rows } = await client.query<{ position: string | null; updated_at: Date }>(
    'SELECT position, updated_at FROM consumer_checkpoints WHERE name = $1',
    [name],
  );
  return {
    name,
    position: rows[0].position === null ? undefined : parsePosition(rows[0].position),
    updatedAt: rows[0].updated_at,
  };
}

export async function readCheckpoints(client: Queryable): Promise<Checkpoint[]> {
  const { rows } = await client.query<{ name: string; position: string | null; updated_at: Date }>(
    'SELECT name, position, updated_at FROM consumer_checkpoints ORDER BY name',
  );
  return rows.map((row) => ({
    name: row.name,
    position: row.position === null ? undefined : parsePosition(row.position),
    updatedAt: row.updated_at,
  }));
}

/** Moves a checkpoint from `from` to `to`; fails if it is no longer at `from` (compare-and-set). */
export async function moveCheckpoint(
  client: Queryable,
  name: string,
  from: Position | undefined,
  to: Position,
): Promise<void> {
  await moveCheckpoints(client, [{ name, from, to }]);
}

/** Moves several checkpoints at once, each by compare-and-set; fails unless all of them moved. */
export async function moveCheckpoints(
  client: Queryable,
  moves: readonly { name: string; from: Position | undefined; to: Position }[],
): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    prepared(
      `UPDATE consumer_checkpoints AS checkpoint SET position = move.to_position, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[]) AS move(name, from_position, to_position)
        WHERE checkpoint.name = move.name AND checkpoint.position IS NOT DISTINCT FROM move.from_position
        RETURNING checkpoint.name`,
      [
        moves.map((move) => move.name),
        moves.map((move) => (move.from ? positionToString(move.from) : null)),
        moves.map((move) => positionToString(move.to)),
      ],
    ),
  );
  const moved = new Set(rows.map((row) => row.name));
  const unmoved = moves.find((move) => !moved.has(move.name));
  if (unmoved) throw new CheckpointMovedError(unmoved.name);
}
