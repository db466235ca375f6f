import { Inject, Logger } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppendRequest, EVENT_STORE, EventStore } from '@ledger/event-store';
import { accountStreamName, classifyCallback, evolveTransfer } from '@ledger/ledger-domain';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor } from '../../shared/command-context';
import { retryOnConflict, toEventData } from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { loadTransfer } from '../load-transfer';
import { settlementAppend } from '../transfer-settlement';
import { BankCallbackDto, BankCallbackResponse } from './bank-callback.dto';

/** The request (or the dispatcher's status query) that brought a callback, and the transfer's correlation id. */
export interface CallbackOrigin {
  requestId: string;
  correlationId: string;
}

export class HandleBankCallbackCommand extends Command<BankCallbackResponse> {
  constructor(
    readonly callback: BankCallbackDto,
    readonly origin: CallbackOrigin,
  ) {
    super();
  }
}

/**
 * Classifies a bank callback against its transfer (API.md's table) and records it on the
 * transfer's stream, with the money it moves on the account in the same atomic append.
 */
@CommandHandler(HandleBankCallbackCommand)
export class HandleBankCallbackHandler implements ICommandHandler<HandleBankCallbackCommand> {
  private readonly logger = new Logger('BankCallbacks');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
  ) {}

  async execute({ callback, origin }: HandleBankCallbackCommand): Promise<BankCallbackResponse> {
    const response = await this.queue.run(`transfer-${callback.transferId}`, () =>
      retryOnConflict.execute(() => this.attempt(callback, origin)),
    );
    this.logger.debug(
      { transferId: callback.transferId, correlationId: origin.correlationId, ...response },
      'bank callback handled',
    );
    return response;
  }

  private async attempt(callback: BankCallbackDto, origin: CallbackOrigin): Promise<BankCallbackResponse> {
    const { eventId, transferId } = callback;
    const metadata = { ...origin, causationId: eventId };
    const transfer = await loadTransfer(this.store, transferId);
    const now = this.clock.now();
    const decision = classifyCallback(
      transfer.state,
      { type: 'HandleBankCallback', eventId, callbackType: callback.type, failureReason: callback.failureReason },
      now,
    );
    if (transfer.state.status === 'none') {
      await this.recordUnmatched(callback, metadata, now);
      return { eventId, outcome: decision.outcome, transferStatus: null };
    }
    if (decision.events.length === 0)
      return { eventId, outcome: decision.outcome, transferStatus: transfer.state.status };

    const requests: AppendRequest[] = [
      {
        streamName: transfer.stream,
        expectedRevision: transfer.revision,
        events: toEventData(decision.events, eventIdFor(transferId, `callback:${eventId}`), metadata),
      },
    ];
    const current = transfer.state;
    // In the account's queue, so that the account's own commands do not meet this write as a conflict.
    await this.queue.run(accountStreamName(current.accountId), async () => {
      const settlement = await settlementAppend(
        this.store,
        current,
        decision.events,
        now,
        `settle:${eventId}`,
        metadata,
      );
      await this.store.append(settlement ? [...requests, settlement] : requests);
    });
    const after = decision.events.reduce(evolveTransfer, transfer.state);
    return { eventId, outcome: decision.outcome, transferStatus: after.status === 'none' ? null : after.status };
  }

  /** A callback for no known transfer is still kept, on a stream of its own, for audit. */
  private async recordUnmatched(callback: BankCallbackDto, metadata: Record<string, string>, now: Date) {
    const recorded = {
      type: 'BankCallbackReceived',
      data: {
        transferId: callback.transferId,
        eventId: callback.eventId,
        callbackType: callback.type,
        failureReason: callback.failureReason ?? null,
        outcome: 'REJECT',
        at: now.toISOString(),
      },
    };
    await this.store.append([
      {
        streamName: `unmatchedcallback-${callback.transferId}`,
        expectedRevision: 'any',
        events: toEventData([recorded], eventIdFor(callback.transferId, `callback:${callback.eventId}`), metadata),
      },
    ]);
  }
}
