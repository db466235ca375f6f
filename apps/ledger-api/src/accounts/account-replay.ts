import { EventStore, RecordedEvent } from '@ledger/event-store';
import { AccountEvent, AccountState, heldAmount } from '@ledger/ledger-domain';
import { AccountRow } from './account.read-model';
import { jsonAmount } from '../http/json-amount';

const PAGE = 1_000;

/** A stream's events, read a page at a time, so that replaying a long stream keeps memory flat. */
export async function* streamEvents(store: EventStore, streamName: string): AsyncGenerator<RecordedEvent> {
  for (let from = 0n; ;) {
    const page = await store.readStream(streamName, { fromRevision: from, maxCount: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    from = page[page.length - 1].revision + 1n;
  }
}

export const accountStream = (accountId: string) => `account-${accountId}`;

/** The amount an account event moves, for the audit listing; none for an opening. */
export function amountOf(event: AccountEvent): string | null {
  return event.type === 'AccountOpened' ? null : event.data.amount;
}

export interface Discrepancy {
  /** Null for a finding about the whole ledger (the journal). */
  accountId: string | null;
  field: string;
  expected: number | string | boolean | null;
  found: number | string | boolean | null;
}

/** Where a read-model row differs from the state replayed from the account's events. */
export function accountDiscrepancies(
  accountId: string,
  state: AccountState,
  row: AccountRow | undefined,
): Discrepancy[] {
  const exists = state.status === 'open';
  if (!exists || !row)
    return exists === Boolean(row) ? [] : [{ accountId, field: 'exists', expected: exists, found: !exists }];
  const fields: [string, string | bigint, string | bigint][] = [
    ['userId', state.userId, row.user_id],
    ['currency', state.currency, row.currency],
    ['status', state.status, row.status],
    ['ledger', state.ledger, BigInt(row.ledger)],
    ['held', heldAmount(state), BigInt(row.held)],
  ];
  return fields
    .filter(([, expected, found]) => expected !== found)
    .map(([field, expected, found]) => ({
      accountId,
      field,
      expected: typeof expected === 'bigint' ? jsonAmount(expected) : expected,
      found: typeof found === 'bigint' ? jsonAmount(found) : found,
    }));
}
