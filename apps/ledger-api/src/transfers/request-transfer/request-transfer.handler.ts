import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppendRequest, EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  accountStreamName,
  decideTransferRequest,
  DomainRefusal,
  evolveAccount,
  evolveTransfer,
  initialAccountState,
  initialTransferState,
  transferStreamName,
} from '@ledger/ledger-domain';
import { accountSeenBy } from '../../auth/principal';
import { TransferResponse } from '../transfer.response';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import {
  appendAhead,
  AppendedAhead,
  appendedAhead,
  decideInQueue,
  loadAggregate,
  refuseOnlyWhenSettled,
  toEventData,
} from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { findOwnEvents } from '../../shared/own-events';
import { toTransferResponse } from '../transfer.view';
import { RequestTransferCommand } from './request-transfer.command';

@CommandHandler(RequestTransferCommand)
export class RequestTransferHandler implements ICommandHandler<RequestTransferCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
  ) {}

  execute(command: RequestTransferCommand) {
    const transferId = newEntityId(command.kind, command.context);
    // One account's commands queue here, each deciding while the one before commits; other
    // processes are met by retries on conflict.
    return decideInQueue(this.queue, accountStreamName(command.accountId), () => this.attempt(command, transferId));
  }

  private async attempt(
    { kind, accountId, amount, principal, context }: RequestTransferCommand,
    transferId: string,
  ): Promise<{ committed: Promise<{ transfer: TransferResponse; position: Position }> }> {
    const transferStream = transferStreamName(kind, transferId);
    const [account, existing] = await Promise.all([
      loadAggregate(this.store, accountStreamName(accountId), evolveAccount, initialAccountState),
      loadAggregate(this.store, transferStream, evolveTransfer, initialTransferState),
    ]);
    // The transfer id is the caller's and its key's: a transfer already there is this request's
    // own, retried after its answer was lost. It answers what the first attempt answered.
    if (existing.state.status !== 'none') return { committed: this.firstAnswer(transferStream, transferId) };
    const decision = decideTransferRequest(
      { transferId, kind, accountId, amount },
      // An account the caller may not see does not exist for them.
      { transfer: existing.state, account: accountSeenBy(principal, account.state) },
      this.clock.now(),
    );
    if (!decision.ok) {
      await refuseOnlyWhenSettled([account]);
      throw new DomainRefusal(decision.error);
    }
    const { writes } = decision;
    const metadata = eventMetadata(context);
    const requests: AppendRequest[] = [
      {
        streamName: transferStream,
        expectedRevision: 'no_stream',
        events: toEventData(writes.transfer, eventIdFor(transferId, 'request'), metadata),
      },
    ];
    const ahead: AppendedAhead[] = [];
    if (writes.account.length > 0) {
      // At the revision the funds were checked on: the whole overdraft guarantee.
      requests.push({
        streamName: accountStreamName(accountId),
        expectedRevision: account.revision,
        events: toEventData(writes.account, eventIdFor(transferId, 'hold'), metadata),
      });
      ahead.push(appendedAhead(accountStreamName(accountId), account, writes.account, evolveAccount));
    }
    const state = writes.transfer.reduce(evolveTransfer, initialTransferState);
    const committed = appendAhead(this.store, requests, ahead);
    return {
      committed: committed.then((result) => ({ transfer: toTransferResponse(state), position: result.position })),
    };
  }

  private async firstAnswer(
    transferStream: string,
    transferId: string,
  ): Promise<{ transfer: TransferResponse; position: Position }> {
    const own = await findOwnEvents(
      this.store,
      transferStream,
      eventIdFor(transferId, 'request'),
      evolveTransfer,
      initialTransferState,
    );
    if (!own) throw new Error(`transfer ${transferId} exists without its request`);
    return { transfer: toTransferResponse(own.state), position: own.position };
  }
}
