import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  accountStreamName,
  decidePaymentChange,
  DomainRefusal,
  evolvePayment,
  initialPaymentState,
  mayChangePayment,
  PaymentChangeCommand,
  PaymentEvent,
  PaymentState,
  paymentStreamName,
} from '@ledger/ledger-domain';
import { Principal } from '../../auth/principal';
import { CLOCK, Clock } from '../../shared/clock';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { loadAggregate, retryOnConflict } from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { findOwnEvents } from '../../shared/own-events';
import { PaymentWriter } from '../payment-writer';
import { PaymentResponse, RefundResponse } from '../payment.response';
import { toPaymentResponse, toRefundResponse } from '../payment.view';

export type PaymentChange =
  | { type: 'capture'; amount?: bigint }
  | { type: 'void' }
  | { type: 'expire' }
  | { type: 'refund'; amount?: bigint; reason: string | null };

export class ChangePaymentCommand extends Command<{
  payment: PaymentResponse;
  refund?: RefundResponse;
  position: Position;
}> {
  constructor(
    readonly paymentId: string,
    readonly change: PaymentChange,
    /** Undefined for the ledger itself (expiry). */
    readonly principal: Principal | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** What anyone who may not see a payment is told. */
const NOT_FOUND = { code: 'payment_not_found', message: 'No such payment.' } as const;

/** Capture, void, refund and expiry: the payment and the money they move, in one append. */
@CommandHandler(ChangePaymentCommand)
export class ChangePaymentHandler implements ICommandHandler<ChangePaymentCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
    private readonly writer: PaymentWriter,
  ) {}

  async execute(command: ChangePaymentCommand) {
    const { paymentId, change, principal, context } = command;
    const refundId = change.type === 'refund' ? newEntityId('refund', context) : undefined;
    const domainCommand = toDomainCommand(change, refundId);
    const requester = principal ? { userId: principal.userId, admin: principal.role === 'admin' } : 'ledger';
    const stream = paymentStreamName(paymentId);
    const { state } = await loadAggregate(this.store, stream, evolvePayment, initialPaymentState);
    if (!mayChangePayment(requester, domainCommand, state)) throw new DomainRefusal(NOT_FOUND);
    // The streams written at an exact revision: the payment, and the payee when a refund debits it.
    const streams = change.type === 'refund' ? [stream, accountStreamName(state.payeeAccountId)] : [stream];
    const step = stepOf(change, refundId, context);
    return this.queue.runAll(streams, () =>
      retryOnConflict.execute(() => this.attempt(paymentId, change, domainCommand, step, context)),
    );
  }

  private async attempt(
    paymentId: string,
    change: PaymentChange,
    command: PaymentChangeCommand,
    step: string,
    context: CommandContext,
  ) {
    const now = this.clock.now();
    const stream = paymentStreamName(paymentId);
    const payment = await loadAggregate(this.store, stream, evolvePayment, initialPaymentState);
    if (payment.state.status === 'none') throw new DomainRefusal(NOT_FOUND);

    // A retry of a command that already ran answers what it answered then, and writes nothing.
    if (mayHoldOwnEvents(change, payment.state)) {
      const own = await findOwnEvents(
        this.store,
        stream,
        eventIdFor(paymentId, step),
        evolvePayment,
        initialPaymentState,
      );
      if (own) return answer(own.state, own.events, own.position);
    }

    const ids = { payer: payment.state.payerAccountId, payee: payment.state.payeeAccountId };
    const accounts = await this.writer.loadAccounts(ids.payer, ids.payee);
    const metadata = eventMetadata(context);
    const decision = decidePaymentChange(
      command,
      { payment: payment.state, payer: accounts.payer.state, payee: accounts.payee.state },
      now,
    );
    if (!decision.ok) return this.writer.refuse(decision, payment, accounts, ids, metadata);
    const { state, result } = await this.writer.write(payment, decision.writes, accounts, ids, step, metadata);
    return answer(state, decision.writes.payment, result.position);
  }
}

/**
 * The step that names a change's event ids: one per request (its Idempotency-Key) for what a
 * client asks, so that its retry finds its own events; expiry happens once per payment.
 */
function stepOf(change: PaymentChange, refundId: string | undefined, context: CommandContext): string {
  switch (change.type) {
    case 'refund':
      return `refund:${refundId}`;
    case 'expire':
      return 'expire';
    case 'capture':
    case 'void':
      return `${change.type}:${newEntityId(change.type, context)}`;
  }
}

/** Only a payment that has moved past where this change starts could already hold its events. */
function mayHoldOwnEvents(change: PaymentChange, state: PaymentState): boolean {
  switch (change.type) {
    case 'capture':
    case 'void':
      return state.status !== 'authorized';
    case 'refund':
      return state.status !== 'none' && state.refundedAmount > 0n;
    case 'expire':
      return false;
  }
}

/** The answer to a change: the payment as the change left it, and the refund it made, if any. */
function answer(state: PaymentState, events: readonly PaymentEvent[], position: Position) {
  const refunded = events.find(
    (event): event is Extract<PaymentEvent, { type: 'PaymentRefunded' }> => event.type === 'PaymentRefunded',
  );
  const payment = toPaymentResponse(state);
  return {
    payment,
    refund: refunded && toRefundResponse(refunded.data, payment),
    position,
  };
}

function toDomainCommand(change: PaymentChange, refundId: string | undefined): PaymentChangeCommand {
  switch (change.type) {
    case 'capture':
      return { type: 'CapturePayment', amount: change.amount };
    case 'void':
      return { type: 'VoidPayment' };
    case 'expire':
      return { type: 'ExpirePayment' };
    case 'refund':
      return { type: 'RefundPayment', refundId: refundId!, amount: change.amount, reason: change.reason };
  }
}
