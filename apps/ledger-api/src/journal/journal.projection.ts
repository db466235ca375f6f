import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/event-store';
import { AccountEvent, MovementReference } from '@ledger/ledger-domain';
import { projection } from '../shared/projection';

type DataOf<Type extends AccountEvent['type']> = Extract<AccountEvent, { type: Type }>['data'];

/** The system account that money from or to the outside world posts against. */
export const bankClearing = (currency: string) => `system:bank-clearing:${currency}`;

interface Posting {
  account: string;
  amount: bigint;
}

async function post(
  client: PoolClient,
  event: RecordedEvent,
  accountId: string,
  movementId: string,
  postings: Posting[],
) {
  const { rows } = await client.query<{ currency: string }>('SELECT currency FROM rm_journal_accounts WHERE id = $1', [
    accountId,
  ]);
  const currency = rows[0].currency;
  for (const posting of postings) {
    await client.query(
      `INSERT INTO rm_journal (movement_id, account, currency, amount, event_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, account) DO NOTHING`,
      [
        movementId,
        posting.account.replace('{currency}', currency),
        currency,
        posting.amount.toString(),
        event.id,
        event.createdAt,
      ],
    );
  }
}

/**
 * The bank side of a movement: a deposit's credit and a withdrawal's debit are balanced by bank
 * clearing; payments and refunds are balanced by the other party's posting of the same movement.
 */
function postings(accountId: string, signed: bigint, reference: MovementReference | undefined): Posting[] {
  const own: Posting = { account: accountId, amount: signed };
  const external = reference?.type === 'deposit' || reference?.type === 'withdrawal';
  return external ? [own, { account: bankClearing('{currency}'), amount: -signed }] : [own];
}

/** Holds and releases move no settled money; credits, debits and settled holds do. */
export const journalProjection = projection('journal', ['rm_journal', 'rm_journal_accounts', 'rm_journal_holds'], {
  AccountOpened: (event, client) => {
    const { accountId, currency } = event.data as DataOf<'AccountOpened'>;
    return client.query('INSERT INTO rm_journal_accounts (id, currency) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
      accountId,
      currency,
    ]);
  },
  FundsCredited: (event, client) => {
    const { accountId, amount, reference } = event.data as DataOf<'FundsCredited'>;
    return post(client, event, accountId, reference.id, postings(accountId, BigInt(amount), reference));
  },
  FundsDebited: (event, client) => {
    const { accountId, amount, reference } = event.data as DataOf<'FundsDebited'>;
    return post(client, event, accountId, reference.id, postings(accountId, -BigInt(amount), reference));
  },
  FundsHeld: (event, client) => {
    const { holdId, reference } = event.data as DataOf<'FundsHeld'>;
    return client.query(
      'INSERT INTO rm_journal_holds (hold_id, reference_type) VALUES ($1, $2) ON CONFLICT (hold_id) DO NOTHING',
      [holdId, reference.type],
    );
  },
  HoldSettled: async (event, client) => {
    const { accountId, holdId, amount } = event.data as DataOf<'HoldSettled'>;
    // A hold's id is its withdrawal's or payment's; the hold itself says which.
    const { rows } = await client.query<{ reference_type: string }>(
      `SELECT reference_type FROM rm_journal_holds WHERE hold_id = $1`,
      [holdId],
    );
    const reference = { type: rows[0].reference_type, id: holdId } as MovementReference;
    return post(client, event, accountId, holdId, postings(accountId, -BigInt(amount), reference));
  },
});
