import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppendRequest, EVENT_STORE, EventStore, Position, RecordedEvent } from '@ledger/event-store';
import {
  AccountState,
  accountStreamName,
  BatchMode,
  decidePaymentBatch,
  DomainError,
  DomainRefusal,
  evolveAccount,
  evolvePayment,
  initialAccountState,
  initialPaymentState,
  NewPayment,
  PaymentBatchRecorded,
  paymentBatchStreamName,
  PaymentRefusalCode,
  PaymentState,
  paymentStreamName,
} from '@ledger/ledger-domain';
import { canSee, Principal } from '../../auth/principal';
import { CLOCK, Clock } from '../../shared/clock';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { deterministicUuid } from '../../shared/deterministic-id';
import { Loaded, loadAggregate, loadSettled, retryOnConflict, toEventData } from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { findOwnEvents } from '../../shared/own-events';
import { CreatePaymentBatchDto } from './create-payment-batch.dto';

/** Each item as decided: the payment as created, or why it was refused. */
export type PaymentBatchItem =
  { ok: true; payment: PaymentState } | { ok: false; error: DomainError<PaymentRefusalCode> };

export interface PaymentBatchOutcome {
  batchId: string;
  mode: BatchMode;
  items: PaymentBatchItem[];
  position: Position;
}

export class CreatePaymentBatchCommand extends Command<PaymentBatchOutcome> {
  constructor(
    readonly request: CreatePaymentBatchDto,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Many new payments in one command: decided in order on running account states, and written in
 * one append (the batch's record, each payment, each account's events together), so an atomic
 * batch is all or nothing and an independent one costs one commit for all it accepts.
 */
@CommandHandler(CreatePaymentBatchCommand)
export class CreatePaymentBatchHandler implements ICommandHandler<CreatePaymentBatchCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
  ) {}

  execute({ request, principal, context }: CreatePaymentBatchCommand): Promise<PaymentBatchOutcome> {
    const batchId = newEntityId('payment-batch', context);
    const items = request.items.map((item, index): NewPayment => ({
      paymentId: item.id ?? deterministicUuid('payment-batch-item', batchId, String(index)),
      payerAccountId: item.payerAccountId,
      payeeAccountId: item.payeeAccountId,
      amount: BigInt(item.amount),
      captureMethod: item.captureMethod,
      captureWindowSeconds: item.captureWindowSeconds,
      description: item.description ?? null,
    }));
    // The payers' queues, as a single payment takes its payer's: their funds are checked.
    const payers = items.map((item) => accountStreamName(item.payerAccountId));
    const chosenIds = new Set(request.items.flatMap((item) => (item.id ? [item.id] : [])));
    return this.queue.runAll(payers, () =>
      retryOnConflict.execute(() => this.attempt(batchId, request.mode, items, chosenIds, principal, context)),
    );
  }

  private async attempt(
    batchId: string,
    mode: BatchMode,
    items: NewPayment[],
    chosenIds: ReadonlySet<string>,
    principal: Principal,
    context: CommandContext,
  ): Promise<PaymentBatchOutcome> {
    const accountIds = [...new Set(items.flatMap((item) => [item.payerAccountId, item.payeeAccountId]))];
    const [recorded, accounts, payments] = await Promise.all([
      this.store.readStream(paymentBatchStreamName(batchId)),
      Promise.all(
        accountIds.map((id) => loadSettled(this.store, accountStreamName(id), evolveAccount, initialAccountState)),
      ),
      this.loadPayments(items, chosenIds),
    ]);
    // The batch is already written: this is its request again, after its answer was lost.
    if (recorded.length > 0) return this.firstAnswer(recorded[0]);
    const loaded = new Map(accountIds.map((id, index) => [id, accounts[index]]));
    const decision = decidePaymentBatch(
      { batchId, mode, items },
      {
        payments: payments.map((payment) => payment.state),
        accounts: new Map(accountIds.map((id, index) => [id, accounts[index].state])),
        mayPayFrom: (account: AccountState) => account.status === 'open' && canSee(principal, account.userId),
      },
      this.clock.now(),
    );
    if (!decision.ok) {
      const { index, error } = decision;
      throw new DomainRefusal({
        ...error,
        message: `Item ${index}: ${error.message}`,
        ...(error.field && { field: `items.${index}.${error.field}` }),
      });
    }
    const metadata = eventMetadata(context);
    const requests: AppendRequest[] = [
      ...items.flatMap((item, index) => {
        const outcome = decision.items[index];
        if (!outcome.ok) return [];
        return [
          {
            streamName: paymentStreamName(item.paymentId),
            expectedRevision: payments[index].revision,
            events: toEventData(outcome.events, eventIdFor(item.paymentId, 'create'), metadata),
          },
        ];
      }),
      ...[...decision.accounts].map(([accountId, writes]) => ({
        streamName: accountStreamName(accountId),
        expectedRevision: writes.checked ? loaded.get(accountId)!.revision : ('any' as const),
        events: toEventData(writes.events, eventIdFor(batchId, `account:${accountId}`), metadata),
      })),
      // Last, so that its position is the batch's: read models that reached it hold every payment.
      {
        streamName: paymentBatchStreamName(batchId),
        expectedRevision: 'no_stream',
        events: toEventData([decision.recorded], eventIdFor(batchId, 'record'), metadata),
      },
    ];
    const { position } = await this.store.append(requests);
    return {
      batchId,
      mode,
      items: decision.items.map((outcome) =>
        outcome.ok ? { ok: true, payment: outcome.events.reduce(evolvePayment, initialPaymentState) } : outcome,
      ),
      position,
    };
  }

  /**
   * The payments the items name: those with ids derived from the batch exist only if the batch
   * does (they are written together), so only ids the caller chose are read.
   */
  private loadPayments(items: NewPayment[], chosenIds: ReadonlySet<string>): Promise<Loaded<PaymentState>[]> {
    const none: Loaded<PaymentState> = { state: initialPaymentState, revision: 'no_stream', position: undefined };
    return Promise.all(
      items.map((item) =>
        chosenIds.has(item.paymentId)
          ? loadAggregate(this.store, paymentStreamName(item.paymentId), evolvePayment, initialPaymentState)
          : none,
      ),
    );
  }

  /** What the batch answered: each payment as its own events left it, each refusal as recorded. */
  private async firstAnswer(recorded: RecordedEvent): Promise<PaymentBatchOutcome> {
    const { data } = recorded as unknown as PaymentBatchRecorded;
    const items = await Promise.all(
      data.items.map(async ({ paymentId, refusal }): Promise<PaymentBatchItem> => {
        if (refusal) return { ok: false, error: refusal };
        const own = await findOwnEvents(
          this.store,
          paymentStreamName(paymentId),
          eventIdFor(paymentId, 'create'),
          evolvePayment,
          initialPaymentState,
        );
        if (!own) throw new Error(`payment ${paymentId} of batch ${data.batchId} is missing`);
        return { ok: true, payment: own.state };
      }),
    );
    return { batchId: data.batchId, mode: data.mode, items, position: recorded.position };
  }
}
