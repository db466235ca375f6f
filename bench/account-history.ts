import { randomUUID } from 'node:crypto';
import { EventData, EventStore } from '@ledger/event-store';
import { AccountEvent, Currency } from '@ledger/ledger-domain';

export interface AccountHistoryOptions {
  accounts: number;
  /** Events per account, AccountOpened included. */
  eventsPerAccount: number;
  userId: string;
  currency?: Currency;
  /** Appends in flight at once. */
  concurrency?: number;
  onProgress?: (events: number) => void;
}

const APPEND_SIZE = 500;

/**
 * Fills the store through the adapter with account streams shaped like real ones: each opens,
 * then repeats deposit in (100), withdrawal hold (40), withdrawal settled (40). Appends are
 * chunked, with each chunk at the stream's exact revision, so memory stays flat at any size.
 */
export async function appendAccountHistories(
  store: EventStore,
  options: AccountHistoryOptions,
): Promise<{ accountIds: string[]; events: number }> {
  const accountIds = Array.from({ length: options.accounts }, () => randomUUID());
  let written = 0;
  let next = 0;
  const worker = async () => {
    while (next < accountIds.length) {
      const accountId = accountIds[next++];
      for (let revision = 0; revision < options.eventsPerAccount; revision += APPEND_SIZE) {
        const count = Math.min(APPEND_SIZE, options.eventsPerAccount - revision);
        const events = Array.from({ length: count }, (_, offset) =>
          accountEvent(accountId, revision + offset, options),
        );
        await store.append([
          {
            streamName: `account-${accountId}`,
            expectedRevision: revision === 0 ? 'no_stream' : BigInt(revision - 1),
            events: events.map((event): EventData => ({ id: randomUUID(), ...event, metadata: {} })),
          },
        ]);
        written += count;
        options.onProgress?.(written);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { accountIds, events: written };
}

function accountEvent(accountId: string, revision: number, options: AccountHistoryOptions): AccountEvent {
  const at = new Date().toISOString();
  if (revision === 0) {
    return {
      type: 'AccountOpened',
      data: { accountId, userId: options.userId, currency: options.currency ?? 'EUR', openedAt: at },
    };
  }
  const cycle = Math.floor((revision - 1) / 3);
  const withdrawal = { type: 'withdrawal' as const, id: uuidFrom(accountId, cycle) };
  switch ((revision - 1) % 3) {
    case 0:
      return {
        type: 'FundsCredited',
        data: { accountId, amount: '100', reference: { type: 'deposit', id: randomUUID() }, at },
      };
    case 1:
      return { type: 'FundsHeld', data: { accountId, holdId: withdrawal.id, amount: '40', reference: withdrawal, at } };
    default:
      return { type: 'HoldSettled', data: { accountId, holdId: withdrawal.id, amount: '40', at } };
  }
}

/** A stable id per account and cycle, so that a hold and its settlement name the same withdrawal. */
function uuidFrom(accountId: string, cycle: number): string {
  const suffix = cycle.toString(16).padStart(12, '0').slice(-12);
  return `${accountId.slice(0, 24)}${suffix}`;
}
