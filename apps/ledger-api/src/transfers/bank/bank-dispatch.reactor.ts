import { Inject, Injectable } from '@nestjs/common';
import { Reactor } from '@ledger/consumers';
import { EVENT_STORE, EventStore, RecordedEvent } from '@ledger/event-store';
import {
  decideTransfer,
  evolveTransfer,
  initialTransferState,
  TransferEvent,
  transferStreamName,
} from '@ledger/ledger-domain';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor } from '../../shared/command-context';
import { loadAggregate, retryOnConflict, toEventData } from '../../shared/event-sourcing';
import { BANK_GATEWAY, BankGateway } from './bank-gateway';

type Requested = Extract<TransferEvent, { type: 'TransferRequested' }>['data'];

/**
 * Sends each requested transfer to the bank, outside any HTTP request. The event store is the
 * outbox: a transfer requested but not yet sent when the process died is sent after restart,
 * from this reactor's checkpoint. Sending twice is harmless (the bank knows the transfer id).
 */
@Injectable()
export class BankDispatchReactor implements Reactor {
  readonly kind = 'reactor';
  readonly name = 'bank-dispatch';
  readonly filter = { eventTypes: ['TransferRequested'] };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BANK_GATEWAY) private readonly bank: BankGateway,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const { transferId, kind, accountId, amount, currency } = event.data as Requested;
    const stream = transferStreamName(kind, transferId);
    const { state } = await loadAggregate(this.store, stream, evolveTransfer, initialTransferState);
    if (state.status !== 'pending' || state.sentToBank) return;
    await this.bank.submit({ transferId, kind, accountId, amount: Number(amount), currency });
    await retryOnConflict.execute(async () => {
      const current = await loadAggregate(this.store, stream, evolveTransfer, initialTransferState);
      const decision = decideTransfer({ type: 'MarkSentToBank' }, current.state, this.clock.now());
      if (!decision.ok || decision.events.length === 0) return;
      await this.store.append([
        {
          streamName: stream,
          expectedRevision: current.revision,
          events: toEventData(decision.events, eventIdFor(transferId, 'sent'), { causationId: event.id }),
        },
      ]);
    });
  }
}
