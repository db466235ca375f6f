import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import {
  decideTransferChange,
  DomainRefusal,
  ReviewDecision,
  TransferCommand,
  TransferEvent,
} from '@ledger/ledger-domain';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { findTransfer, transferChangeAppends, transferChangeStreams } from '../transfer-streams';
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
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ transferId, change, context }: ChangeTransferCommand) {
    const transfer = await findTransfer(this.eventSourcing, transferId);
    if (!transfer) throw new DomainRefusal({ code: 'transfer_not_found', message: 'No such transfer.' });
    const streams = transferChangeStreams(transfer);
    // An operator's action is named by its request (its key), so that its retry finds its own events.
    const asked =
      change.type === 'park' ? undefined : `${change.type}:${newEntityId(`transfer-${change.type}`, context)}`;
    if (asked) {
      const own = await this.eventSourcing.findOwnEvents(streams.transfer, eventIdFor(transferId, asked));
      if (own) return { transfer: toTransferResponse(own.state), events: own.events, position: own.position };
    }
    const command = toDomainCommand(change, context.userId);
    const { decision, states, position } = await this.eventSourcing.handle({
      streams,
      decide: (states, now) => {
        const decision = decideTransferChange(command, states, now);
        return decision.ok ? transferChangeAppends(decision.writes) : decision;
      },
      eventIds: (stream, { revisions }) => {
        // Parking is named by the state it was decided on.
        const step = asked ?? `park:${String(revisions.transfer)}`;
        return eventIdFor(transferId, stream === 'transfer' ? step : `${step}:settle`);
      },
      metadata: eventMetadata(context),
    });
    return { transfer: toTransferResponse(states.transfer), events: decision.events.transfer ?? [], position };
  }
}

function toDomainCommand(
  change: TransferChange,
  userId: string,
): Exclude<TransferCommand, { type: 'RequestTransfer' | 'HandleBankCallback' }> {
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
