import { AppendRequest, EventMetadata, EventStore } from '@ledger/event-store';
import {
  accountStreamName,
  DomainRefusal,
  evolveAccount,
  initialAccountState,
  settlementsOf,
  settleTransfer,
  TransferEvent,
  TransferState,
} from '@ledger/ledger-domain';
import { eventIdFor } from '../shared/command-context';
import { loadSettled, toEventData } from '../shared/event-sourcing';

type KnownTransfer = Exclude<TransferState, { status: 'none' }>;

/**
 * The append to the account that a transfer's new events settle (a credit, a debit, a hold settled
 * or released), or none. Run it in the account's queue. What needs the account's exact revision
 * is the domain's to say (`settleTransfer`).
 */
export async function settlementAppend(
  store: EventStore,
  transfer: KnownTransfer,
  events: readonly TransferEvent[],
  now: Date,
  step: string,
  metadata: EventMetadata,
): Promise<AppendRequest | undefined> {
  const settlements = settlementsOf(transfer, events);
  if (settlements.length === 0) return undefined;
  const streamName = accountStreamName(transfer.accountId);
  const account = await loadSettled(store, streamName, evolveAccount, initialAccountState);
  const settled = settleTransfer(settlements, account.state, now);
  if (!settled.ok) throw new DomainRefusal(settled.error);
  return {
    streamName,
    expectedRevision: settled.checked ? account.revision : 'any',
    events: toEventData(settled.events, eventIdFor(transfer.transferId, step), metadata),
  };
}
