import { EventSourcing } from '@ledger/event-sourcing';
import { TransferChangeWrites, TransferState } from '@ledger/ledger-domain';
import { accountStream, transferStream } from '../shared/streams';

type KnownTransfer = Exclude<TransferState, { status: 'none' }>;

/** A transfer known only by its id (a bank callback, an operator action): its deposit or its withdrawal, whichever exists. */
export async function findTransfer(
  eventSourcing: EventSourcing,
  transferId: string,
): Promise<KnownTransfer | undefined> {
  const candidates = await Promise.all(
    (['deposit', 'withdrawal'] as const).map((kind) => eventSourcing.load(transferStream(kind, transferId))),
  );
  return candidates.map(({ state }) => state).find((state) => state.status !== 'none');
}

/**
 * The streams a change to a transfer reads and writes, in the order they are appended: the
 * transfer, and the account its outcome settles. Both queued, so that the account's own commands
 * do not meet this write as a conflict; the account read with no append in flight, since a
 * settlement is mostly written at any revision (see `StreamSpec.settled`).
 */
export function transferChangeStreams(transfer: KnownTransfer) {
  return {
    transfer: transferStream(transfer.kind, transfer.transferId, { queued: true }),
    account: accountStream(transfer.accountId, { queued: true, settled: true }),
  };
}

/** What a change writes as appends: the account at its exact revision only when its funds were checked. */
export function transferChangeAppends({ transfer, account, checked }: TransferChangeWrites) {
  return {
    ok: true as const,
    events: { transfer, account },
    anyRevision: checked ? [] : (['account'] as const),
  };
}
