import { PoolClient } from 'pg';
import { prepared } from '@ledger/database';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { ACCOUNT_EVENT_TYPES, AccountEvent, assertNever, MovementReference } from '@ledger/ledger-domain';

/** The system account that money from or to the outside world posts against. */
export const bankClearing = (currency: string) => `system:bank-clearing:${currency}`;

interface Posting {
  movementId: string;
  account: string;
  /** Resolved once the batch knows every account's currency. */
  ownerAccountId: string;
  amount: bigint;
  eventId: string;
  createdAt: Date;
}

/** What one batch adds to the journal, gathered before any of it is written. */
class JournalBatch {
  readonly currencies = new Map<string, string>();
  readonly holds = new Map<string, MovementReference['type']>();
  readonly newAccounts: string[] = [];
  readonly newHolds: string[] = [];
  readonly postings: Posting[] = [];

  add(event: AccountEvent, recorded: RecordedEvent): void {
    switch (event.type) {
      case 'AccountOpened':
        this.currencies.set(event.data.accountId, event.data.currency);
        this.newAccounts.push(event.data.accountId);
        return;
      case 'FundsCredited':
      case 'FundsDebited': {
        const { accountId, amount, reference } = event.data;
        const signed = event.type === 'FundsCredited' ? BigInt(amount) : -BigInt(amount);
        return this.post(recorded, accountId, reference.id, signed, reference.type);
      }
      case 'FundsHeld':
        this.holds.set(event.data.holdId, event.data.reference.type);
        this.newHolds.push(event.data.holdId);
        return;
      case 'HoldSettled': {
        const { holdId, accountId, amount } = event.data;
        return this.post(recorded, accountId, holdId, -BigInt(amount), this.holds.get(holdId)!);
      }
      case 'HoldReleased':
        return;
      default:
        return assertNever(event);
    }
  }

  /**
   * A deposit's credit and a withdrawal's debit are balanced by bank clearing; payments and
   * refunds by the other party's posting of the same movement.
   */
  post(recorded: RecordedEvent, accountId: string, movementId: string, signed: bigint, type: string): void {
    const common = { movementId, ownerAccountId: accountId, eventId: recorded.id, createdAt: recorded.createdAt };
    this.postings.push({ ...common, account: accountId, amount: signed });
    if (type === 'deposit' || type === 'withdrawal') {
      this.postings.push({ ...common, account: bankClearing('{currency}'), amount: -signed });
    }
  }
}

const INSERT_ACCOUNTS = `INSERT INTO rm_journal_accounts (id, currency)
  SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (id) DO NOTHING`;
const INSERT_HOLDS = `INSERT INTO rm_journal_holds (hold_id, reference_type)
  SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (hold_id) DO NOTHING`;

/**
 * The double-entry journal: credits, debits and settled holds post; holds and releases move no
 * settled money. A batch is gathered in memory and written with one statement per table.
 */
export const journalProjection: Projection = {
  kind: 'projection',
  name: 'journal',
  tables: ['rm_journal', 'rm_journal_accounts', 'rm_journal_holds'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const accountEvents = events.filter((recorded) => ACCOUNT_EVENT_TYPES.has(recorded.type));
    const batch = new JournalBatch();
    await loadEarlierHolds(client, batch, accountEvents);
    for (const recorded of accountEvents) {
      batch.add({ type: recorded.type, data: recorded.data } as AccountEvent, recorded);
    }
    await resolveCurrencies(client, batch);
    await insertKeyed(client, INSERT_ACCOUNTS, batch.newAccounts, batch.currencies);
    await insertKeyed(client, INSERT_HOLDS, batch.newHolds, batch.holds);
    await insertPostings(client, batch);
  },
};

/** The keys new to a batch with what it knows of each, as `sql`'s two arrays ($1 keys, $2 values). */
async function insertKeyed(client: PoolClient, sql: string, keys: string[], values: ReadonlyMap<string, unknown>) {
  if (keys.length > 0) await client.query(prepared(sql, [keys, keys.map((key) => values.get(key))]));
}

/** A hold's id is its withdrawal's or payment's; the hold, placed before its settlement, says which. */
async function loadEarlierHolds(client: PoolClient, batch: JournalBatch, events: RecordedEvent[]): Promise<void> {
  const settled = events.filter((recorded) => recorded.type === 'HoldSettled');
  if (settled.length === 0) return;
  const { rows } = await client.query<{ hold_id: string; reference_type: MovementReference['type'] }>(
    prepared('SELECT hold_id, reference_type FROM rm_journal_holds WHERE hold_id = ANY($1::uuid[])', [
      settled.map((recorded) => (recorded.data as { holdId: string }).holdId),
    ]),
  );
  rows.forEach((row) => batch.holds.set(row.hold_id, row.reference_type));
}

async function resolveCurrencies(client: PoolClient, batch: JournalBatch): Promise<void> {
  const unknown = [...new Set(batch.postings.map((posting) => posting.ownerAccountId))].filter(
    (id) => !batch.currencies.has(id),
  );
  if (unknown.length === 0) return;
  const { rows } = await client.query<{ id: string; currency: string }>(
    prepared('SELECT id, currency FROM rm_journal_accounts WHERE id = ANY($1::uuid[])', [unknown]),
  );
  rows.forEach((row) => batch.currencies.set(row.id, row.currency));
}

function insertPostings(client: PoolClient, batch: JournalBatch) {
  if (batch.postings.length === 0) return;
  const currencyOf = (posting: Posting) => batch.currencies.get(posting.ownerAccountId)!;
  return client.query(
    prepared(
      `INSERT INTO rm_journal (movement_id, account, currency, amount, event_id, created_at)
     SELECT movement_id, account, currency, amount, event_id, created_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::uuid[], $6::timestamptz[])
            WITH ORDINALITY AS posting(movement_id, account, currency, amount, event_id, created_at, n)
      ORDER BY n
     ON CONFLICT (event_id, account) DO NOTHING`,
      [
        batch.postings.map((posting) => posting.movementId),
        batch.postings.map((posting) => posting.account.replace('{currency}', currencyOf(posting))),
        batch.postings.map(currencyOf),
        batch.postings.map((posting) => posting.amount.toString()),
        batch.postings.map((posting) => posting.eventId),
        batch.postings.map((posting) => posting.createdAt),
      ],
    ),
  );
}
