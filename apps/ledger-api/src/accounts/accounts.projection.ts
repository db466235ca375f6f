import { AccountEvent } from '@ledger/ledger-domain';
import { positionToString, RecordedEvent } from '@ledger/event-store';
import { PoolClient } from 'pg';
import { projection } from '../shared/projection';

type DataOf<Type extends AccountEvent['type']> = Extract<AccountEvent, { type: Type }>['data'];

/** Moves the balance columns of one account and stamps the position and time of the event. */
function move(ledger: 1 | 0 | -1, held: 1 | 0 | -1) {
  return (event: RecordedEvent, client: PoolClient) => {
    const { accountId, amount } = event.data as { accountId: string; amount: string };
    return client.query(
      `UPDATE rm_accounts SET ledger = ledger + $2::bigint * $3, held = held + $2::bigint * $4,
              position = $5, updated_at = $6
        WHERE id = $1`,
      [accountId, amount, ledger, held, positionToString(event.position), event.createdAt],
    );
  };
}

export const accountsProjection = projection('accounts', ['rm_accounts'], {
  AccountOpened: (event, client) => {
    const account = event.data as DataOf<'AccountOpened'>;
    return client.query(
      `INSERT INTO rm_accounts (id, user_id, currency, status, position, created_at, updated_at)
       VALUES ($1, $2, $3, 'open', $4, $5, $5) ON CONFLICT (id) DO NOTHING`,
      [account.accountId, account.userId, account.currency, positionToString(event.position), account.openedAt],
    );
  },
  FundsCredited: move(1, 0),
  FundsHeld: move(0, 1),
  HoldReleased: move(0, -1),
  HoldSettled: (event, client) => {
    const { accountId, amount, released = '0' } = event.data as DataOf<'HoldSettled'>;
    return client.query(
      `UPDATE rm_accounts SET ledger = ledger - $2::bigint, held = held - $2::bigint - $3::bigint,
              position = $4, updated_at = $5
        WHERE id = $1`,
      [accountId, amount, released, positionToString(event.position), event.createdAt],
    );
  },
  FundsDebited: move(-1, 0),
});
