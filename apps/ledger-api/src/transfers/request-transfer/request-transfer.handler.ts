import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppendRequest, EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  accountStreamName,
  decideAccount,
  decideTransfer,
  evolveAccount,
  evolveTransfer,
  initialAccountState,
  initialTransferState,
  transferStreamName,
} from '@ledger/ledger-domain';
import { canSee } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { toApiError } from '../../http/domain-errors';
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
    if (account.state.status !== 'open' || !canSee(principal, account.state.userId)) {
      throw new ApiError(404, 'not_found', 'No such account.');
    }

    const now = this.clock.now();
    const metadata = eventMetadata(context);
    const requested = decideTransfer(
      {
        type: 'RequestTransfer',
        transferId,
        kind,
        accountId,
        userId: account.state.userId,
        amount,
        currency: account.state.currency,
      },
      initialTransferState,
      now,
    );
    if (!requested.ok) throw toApiError(requested.error);
    const requests: AppendRequest[] = [
      {
        streamName: transferStream,
        expectedRevision: 'no_stream',
        events: toEventData(requested.events, eventIdFor(transferId, 'request'), metadata),
      },
    ];
    const ahead: AppendedAhead[] = [];
    if (kind === 'withdrawal') {
      const hold = decideAccount(
        { type: 'HoldFunds', holdId: transferId, amount, reference: { type: kind, id: transferId } },
        account.state,
        now,
      );
      if (!hold.ok) {
        await refuseOnlyWhenSettled([account]);
        throw toApiError(hold.error);
      }
      // At the revision the funds were checked on: the whole overdraft guarantee.
      requests.push({
        streamName: accountStreamName(accountId),
        expectedRevision: account.revision,
        events: toEventData(hold.events, eventIdFor(transferId, 'hold'), metadata),
      });
      ahead.push(appendedAhead(accountStreamName(accountId), account, hold.events, evolveAccount));
    }
    const state = requested.events.reduce(evolveTransfer, initialTransferState);
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
