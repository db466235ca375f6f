import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { positionToString, RecordedEvent } from '@ledger/event-store';
import { ACCOUNT_EVENT_TYPES, AccountEvent, assertNever } from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { projectTable, TableProjection } from '../shared/projection';
import { AccountRow } from './account.read-model';

/** An account event with where and when it was recorded: the row keeps the position clients wait for. */
interface AccountChange {
  event: AccountEvent;
  position: string;
  at: Date;
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

const accountsTable: TableProjection<AccountChange, AccountRow> = {
  table: 'rm_accounts',
  rowOf: ({ event }) => event.data.accountId,
  evolve(account, { event, position, at }) {
    if (event.type === 'AccountOpened') {
      const { accountId, userId, currency, openedAt } = event.data;
      const opened = new Date(openedAt);
      return (
        account ?? {
          id: accountId,
          user_id: userId,
          currency,
          status: 'open',
          ledger: '0',
          held: '0',
          position,
          created_at: opened,
          updated_at: opened,
        }
      );
    }
    if (!account) return null;
    const { ledger, held } = deltas(event);
    return {
      ...account,
      ledger: (BigInt(account.ledger) + ledger).toString(),
      held: (BigInt(account.held) + held).toString(),
      position,
      updated_at: at,
    };
  },
};

/**
 * Balances per account. A batch reads the accounts it touches in one query, folds its events over
 * them in memory and writes them back in one statement, however many events it holds (a rebuild
 * reads thousands).
 */
export const accountsProjection: Projection = {
  kind: 'projection',
  name: 'accounts',
  tables: ['rm_accounts'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const changes = events
      .filter((recorded) => ACCOUNT_EVENT_TYPES.has(recorded.type))
      .map((recorded) => ({
        event: toDomainEvent<AccountEvent>(recorded),
        position: positionToString(recorded.position),
        at: recorded.createdAt,
      }));
    if (changes.length > 0) await projectTable(client, accountsTable, changes);
  },
};
