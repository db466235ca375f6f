import { PoolClient } from 'pg';
import { prepared } from '@ledger/database';
import { Projection } from '@ledger/consumers';
import { positionToString, RecordedEvent } from '@ledger/event-store';
import { ACCOUNT_EVENT_TYPES, AccountEvent, assertNever } from '@ledger/ledger-domain';

type Opened = Extract<AccountEvent, { type: 'AccountOpened' }>['data'] & { position: string };

/** One account's change over a batch: balances add up, position and time are the last event's. */
interface Movement {
  ledger: bigint;
  held: bigint;
  position: string;
  updatedAt: Date;
}

/** How an event moves the ledger and held columns. */
function deltas(event: AccountEvent): { ledger: bigint; held: bigint } {
  switch (event.type) {
    case 'AccountOpened':
      return { ledger: 0n, held: 0n };
    case 'FundsCredited':
      return { ledger: BigInt(event.data.amount), held: 0n };
    case 'FundsHeld':
      return { ledger: 0n, held: BigInt(event.data.amount) };
    case 'HoldReleased':
      return { ledger: 0n, held: -BigInt(event.data.amount) };
    case 'HoldSettled': {
      const settled = BigInt(event.data.amount);
      return { ledger: -settled, held: -settled - BigInt(event.data.released ?? '0') };
    }
    case 'FundsDebited':
      return { ledger: -BigInt(event.data.amount), held: 0n };
    default:
      return assertNever(event);
  }
}

/**
 * Balances per account. A batch is folded in memory first: one INSERT for the accounts it opens
 * and one UPDATE for all it moves, however many events it holds (a rebuild reads thousands).
 */
export const accountsProjection: Projection = {
  kind: 'projection',
  name: 'accounts',
  tables: ['rm_accounts'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const opened: Opened[] = [];
    const moved = new Map<string, Movement>();
    for (const recorded of events) {
      if (!ACCOUNT_EVENT_TYPES.has(recorded.type)) continue;
      const event = { type: recorded.type, data: recorded.data } as AccountEvent;
      const position = positionToString(recorded.position);
      if (event.type === 'AccountOpened') {
        opened.push({ ...event.data, position });
        continue;
      }
      const { ledger, held } = deltas(event);
      const movement = moved.get(event.data.accountId) ?? {
        ledger: 0n,
        held: 0n,
        position,
        updatedAt: recorded.createdAt,
      };
      moved.set(event.data.accountId, {
        ledger: movement.ledger + ledger,
        held: movement.held + held,
        position,
        updatedAt: recorded.createdAt,
      });
    }
    if (opened.length > 0) await insertOpened(client, opened);
    if (moved.size > 0) await applyMovements(client, moved);
  },
};

function insertOpened(client: PoolClient, opened: Opened[]) {
  return client.query(
    prepared(
      `INSERT INTO rm_accounts (id, user_id, currency, status, position, created_at, updated_at)
     SELECT id, user_id, currency, 'open', position, opened_at, opened_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
            AS opened(id, user_id, currency, position, opened_at)
     ON CONFLICT (id) DO NOTHING`,
      [
        opened.map((account) => account.accountId),
        opened.map((account) => account.userId),
        opened.map((account) => account.currency),
        opened.map((account) => account.position),
        opened.map((account) => account.openedAt),
      ],
    ),
  );
}

function applyMovements(client: PoolClient, moved: Map<string, Movement>) {
  const movements = [...moved];
  return client.query(
    prepared(
      `UPDATE rm_accounts AS account
        SET ledger = account.ledger + moved.ledger, held = account.held + moved.held,
            position = moved.position, updated_at = moved.updated_at
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[])
            AS moved(id, ledger, held, position, updated_at)
      WHERE account.id = moved.id`,
      [
        movements.map(([id]) => id),
        movements.map(([, movement]) => movement.ledger.toString()),
        movements.map(([, movement]) => movement.held.toString()),
        movements.map(([, movement]) => movement.position),
        movements.map(([, movement]) => movement.updatedAt),
      ],
    ),
  );
}
