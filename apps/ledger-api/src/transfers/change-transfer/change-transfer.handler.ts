import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppendRequest, EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  accountStreamName,
  decideTransfer,
  DomainRefusal,
  eventsOf,
  evolveTransfer,
  initialTransferState,
  ReviewDecision,
  TransferCommand,
  TransferEvent,
} from '@ledger/ledger-domain';
import { CLOCK, Clock } from '../../shared/clock';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { retryOnConflict, toEventData } from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { findOwnEvents } from '../../shared/own-events';
import { loadTransfer } from '../load-transfer';
import { settlementAppend } from '../transfer-settlement';
import { TransferResponse } from '../transfer.response';
import { toTransferResponse } from '../transfer.view';

/**
 * What happens to a transfer outside the bank's callbacks: the dispatcher parks it; an operator
 * retries or cancels it, or resolves a review of a callback that contradicted it.
 */
export type TransferChange =
  | { type: 'park'; reason: string; attempts: number }
  | { type: 'retry'; reason: string | null }
  | { type: 'cancel'; reason: string }
  | { type: 'resolve'; eventId: string; decision: ReviewDecision; note: string };

export class ChangeTransferCommand extends Command<{
  transfer: TransferResponse;
  /** What the change recorded on the transfer (none when there was nothing to do). */
  events: TransferEvent[];
  position: Position | undefined;
}> {
  constructor(
    readonly transferId: string,
    readonly change: TransferChange,
    /** The operator's request; for the ledger itself (parking), the event metadata only. */
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Parks, retries, cancels or resolves a review of a transfer: the transfer's events and the money
 * they move (a cancelled withdrawal's hold released, an outcome corrected), in one append. An
 * operator's retried request answers what it answered.
 */
@CommandHandler(ChangeTransferCommand)
export class ChangeTransferHandler implements ICommandHandler<ChangeTransferCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
  ) {}

  execute(command: ChangeTransferCommand) {
    // The key the bank callbacks of this transfer queue under too.
    return this.queue.run(`transfer-${command.transferId}`, () => retryOnConflict.execute(() => this.attempt(command)));
  }

  private async attempt({ transferId, change, context }: ChangeTransferCommand) {
    const transfer = await loadTransfer(this.store, transferId);
    if (transfer.state.status === 'none') {
      throw new DomainRefusal({ code: 'transfer_not_found', message: 'No such transfer.' });
    }
    const step = stepOf(change, transfer.revision, context);
    if (change.type !== 'park') {
      const own = await findOwnEvents(
        this.store,
        transfer.stream,
        eventIdFor(transferId, step),
        evolveTransfer,
        initialTransferState,
      );
      if (own) return { transfer: toTransferResponse(own.state), events: own.events, position: own.position };
    }
    const now = this.clock.now();
    const events = eventsOf(decideTransfer(toDomainCommand(change, context.userId), transfer.state, now));
    if (events.length === 0) {
      return { transfer: toTransferResponse(transfer.state), events: [], position: undefined };
    }
    const metadata = eventMetadata(context);
    const requests: AppendRequest[] = [
      {
        streamName: transfer.stream,
        expectedRevision: transfer.revision,
        events: toEventData(events, eventIdFor(transferId, step), metadata),
      },
    ];
    const current = transfer.state;
    const result = await this.queue.run(accountStreamName(current.accountId), async () => {
      const settlement = await settlementAppend(this.store, current, events, now, `${step}:settle`, metadata);
      return this.store.append(settlement ? [...requests, settlement] : requests);
    });
    const after = events.reduce(evolveTransfer, current);
    return { transfer: toTransferResponse(after), events: events, position: result.position };
  }
}

/** Parking is named by the state it was decided on; an operator's action by its request (its key). */
function stepOf(change: TransferChange, revision: bigint | 'no_stream', context: CommandContext): string {
  return change.type === 'park'
    ? `park:${String(revision)}`
    : `${change.type}:${newEntityId(`transfer-${change.type}`, context)}`;
}

function toDomainCommand(
  change: TransferChange,
  userId: string,
): Exclude<TransferCommand, { type: 'HandleBankCallback' }> {
  switch (change.type) {
    case 'park':
      return { type: 'ParkTransfer', reason: change.reason, attempts: change.attempts };
    case 'retry':
      return { type: 'RetryTransfer', requestedBy: userId, reason: change.reason };
    case 'cancel':
      return { type: 'CancelTransfer', reason: change.reason, cancelledBy: userId };
    case 'resolve':
      return {
        type: 'ResolveReview',
        eventId: change.eventId,
        decision: change.decision,
        note: change.note,
        resolvedBy: userId,
      };
  }
}
