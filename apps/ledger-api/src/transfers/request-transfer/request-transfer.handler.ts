import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import { decideTransferRequest, DomainRefusal, otherTransferKind, TransferKind } from '@ledger/ledger-domain';
import { accountSeenBy } from '../../auth/principal';
import { TransferResponse } from '../transfer.response';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { accountStream, movementIdStream, transferStream } from '../../shared/streams';
import { toTransferResponse } from '../transfer.view';
import { RequestTransferCommand } from './request-transfer.command';

/** The step of the request each stream's events are named by (`otherKind` is only read). */
const STEPS = { transfer: 'request', claim: 'claim', account: 'hold', otherKind: 'read' };

@CommandHandler(RequestTransferCommand)
export class RequestTransferHandler implements ICommandHandler<RequestTransferCommand> {
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ kind, accountId, amount, principal, context }: RequestTransferCommand) {
    const transferId = newEntityId(kind, context);
    const { states, position } = await this.eventSourcing.handle({
      // One account's commands queue, each deciding while the one before commits; a withdrawal's
      // hold is appended at the revision its funds were checked on. The id's claim is created in
      // the same append (at no stream): of two transfers of one id, of either kind, one is written.
      streams: {
        transfer: transferStream(kind, transferId),
        claim: movementIdStream(transferId),
        otherKind: transferStream(otherTransferKind(kind), transferId),
        account: accountStream(accountId, { queued: true }),
      },
      decide: ({ transfer, claim, otherKind, account }, now) => {
        // The transfer id is the caller's and its key's: a transfer already there is this
        // request's own, retried after its answer was lost (answered below).
        if (transfer.status !== 'none') return { ok: true, events: {} };
        const decision = decideTransferRequest(
          { transferId, kind, accountId, amount },
          // An account the caller may not see does not exist for them.
          { transfer, claim, otherKind, account: accountSeenBy(principal, account) },
          now,
        );
        return decision.ok ? { ok: true, events: decision.writes } : decision;
      },
      eventIds: (stream) => eventIdFor(transferId, STEPS[stream]),
      metadata: eventMetadata(context),
      record: context.answer?.of((states) => toTransferResponse(states.transfer)),
    });
    if (!position) return this.firstAnswer(kind, transferId);
    return { transfer: toTransferResponse(states.transfer), position };
  }

  /** What the first attempt of this request answered. */
  private async firstAnswer(
    kind: TransferKind,
    transferId: string,
  ): Promise<{ transfer: TransferResponse; position: Position }> {
    const own = await this.eventSourcing.findOwnEvents(
      transferStream(kind, transferId),
      eventIdFor(transferId, 'request'),
    );
    // Not this request's: a batch item was given the id this caller and key derive.
    if (!own) throw new DomainRefusal({ code: 'transfer_exists', message: 'The transfer already exists.' });
    return { transfer: toTransferResponse(own.state), position: own.position };
  }
}
