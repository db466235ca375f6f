import { AppendRequest, EventMetadata, EventStore } from '@ledger/event-store';
import {
  accountStreamName,
  decideAccount,
  evolveAccount,
  initialAccountState,
  settlementOf,
  TransferEvent,
  TransferState,
} from '@ledger/ledger-domain';
import { toApiError } from '../http/domain-errors';
import { eventIdFor } from '../shared/command-context';
import { loadSettled, toEventData } from '../shared/event-sourcing';

type KnownTransfer = Exclude<TransferState, { status: 'none' }>;

/**
 * The append to the account that a transfer's new events settle (a credit, a debit, a hold settled
 * or released), or none. Run it in the account's queue. Only a debit (an outcome corrected after
 * review) lowers `available`: it is checked on the account's state and appended at that revision;
 * the others are appended with no expected revision.
 */
export async function settlementAppend(
  store: EventStore,
  transfer: KnownTransfer,
  events: readonly TransferEvent[],
  now: Date,
  step: string,
  metadata: EventMetadata,
): Promise<AppendRequest | undefined> {
  const commands = events.map((event) => settlementOf(transfer, event)).filter((command) => command !== undefined);
  if (commands.length === 0) return undefined;
  const streamName = accountStreamName(transfer.accountId);
  const account = await loadSettled(store, streamName, evolveAccount, initialAccountState);
  const settlement = commands.flatMap((command) => {
    const decision = decideAccount(command, account.state, now);
    if (!decision.ok) throw toApiError(decision.error);
    return decision.events;
  });
  return {
    streamName,
    expectedRevision: commands.some((command) => command.type === 'DebitFunds') ? account.revision : 'any',
    events: toEventData(settlement, eventIdFor(transfer.transferId, step), metadata),
  };
}
