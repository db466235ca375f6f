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
import { eventIdFor } from '../shared/command-context';
import { loadAggregate, toEventData } from '../shared/event-sourcing';

type KnownTransfer = Exclude<TransferState, { status: 'none' }>;

/**
 * The append to the account that a transfer's new events settle (a credit, a hold settled or
 * released), or none. Run it in the account's queue. Such settlements never lower `available`
 * below what was checked: they are appended with no expected revision.
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
  const account = await loadAggregate(store, streamName, evolveAccount, initialAccountState);
  const settlement = commands.flatMap((command) => {
    const decision = decideAccount(command, account.state, now);
    if (!decision.ok) throw new Error(`Settlement of transfer ${transfer.transferId} refused: ${decision.error.code}`);
    return decision.events;
  });
  return {
    streamName,
    expectedRevision: 'any',
    events: toEventData(settlement, eventIdFor(transfer.transferId, step), metadata),
  };
}
