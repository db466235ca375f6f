import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import { decideTransferRequest, DomainRefusal, TransferKind } from '@ledger/ledger-domain';
import { accountSeenBy } from '../../auth/principal';
import { TransferResponse } from '../transfer.response';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { accountStream, transferStream } from '../../shared/streams';
import { toTransferResponse } from '../transfer.view';
import { RequestTransferCommand } from './request-transfer.command';

@CommandHandler(RequestTransferCommand)
export class RequestTransferHandler implements ICommandHandler<RequestTransferCommand> {
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ kind, accountId, amount, principal, context }: RequestTransferCommand) {
    const transferId = newEntityId(kind, context);
    const { states, position } = await this.eventSourcing.handle({
      // One account's commands queue, each deciding while the one before commits; a withdrawal's
      // hold is appended at the revision its funds were checked on.
      streams: { transfer: transferStream(kind, transferId), account: accountStream(accountId, { queued: true }) },
      decide: ({ transfer, account }, now) => {
        // The transfer id is the caller's and its key's: a transfer already there is this
        // request's own, retried after its answer was lost (answered below).
        if (transfer.status !== 'none') return { ok: true, events: {} };
        const decision = decideTransferRequest(
          { transferId, kind, accountId, amount },
          // An account the caller may not see does not exist for them.
          { transfer, account: accountSeenBy(principal, account) },
          now,
        );
        return decision.ok ? { ok: true, events: decision.writes } : decision;
      },
      eventIds: (stream) => eventIdFor(transferId, stream === 'transfer' ? 'request' : 'hold'),
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
    // Not this request's: another movement has the id (a batch item given it before chosen ids of
    // version 8 were refused), which is no reason for a 500.
    if (!own) throw new DomainRefusal({ code: 'transfer_exists', message: 'The transfer already exists.' });
    return { transfer: toTransferResponse(own.state), position: own.position };
  }
}
