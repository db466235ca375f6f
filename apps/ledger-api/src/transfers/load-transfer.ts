import { EventStore } from '@ledger/event-store';
import { evolveTransfer, initialTransferState, TransferState, transferStreamName } from '@ledger/ledger-domain';
import { Loaded, loadAggregate } from '../shared/event-sourcing';

/**
 * A transfer known only by its id (a bank callback, an operator action): its deposit or its
 * withdrawal stream, whichever exists; with neither, an empty state on the deposit stream.
 */
export async function loadTransfer(
  store: EventStore,
  transferId: string,
): Promise<Loaded<TransferState> & { stream: string }> {
  const candidates = await Promise.all(
    (['deposit', 'withdrawal'] as const).map(async (kind) => {
      const stream = transferStreamName(kind, transferId);
      return { stream, ...(await loadAggregate(store, stream, evolveTransfer, initialTransferState)) };
    }),
  );
  return candidates.find((candidate) => candidate.state.status !== 'none') ?? candidates[0];
}
