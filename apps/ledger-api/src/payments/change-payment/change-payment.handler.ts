import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import {
  decidePaymentChange,
  DomainRefusal,
  mayChangePayment,
  PaymentChangeCommand,
  PaymentEvent,
  PaymentState,
} from '@ledger/ledger-domain';
import { Principal } from '../../auth/principal';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { paymentStream } from '../../shared/streams';
import { paymentAppends, paymentEventIds, paymentStreams } from '../payment-streams';
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
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ paymentId, change, principal, context }: ChangePaymentCommand) {
    const refundId = change.type === 'refund' ? newEntityId('refund', context) : undefined;
    const command = toDomainCommand(change, refundId);
    const requester = principal ? { userId: principal.userId, admin: principal.role === 'admin' } : 'ledger';
    const { state } = await this.eventSourcing.load(paymentStream(paymentId));
    if (!mayChangePayment(requester, command, state)) throw new DomainRefusal(NOT_FOUND);
    const step = stepOf(change, refundId, context);
    // A retry of a command that already ran answers what it answered then, and writes nothing.
    const own = mayHoldOwnEvents(change, state)
      ? await this.eventSourcing.findOwnEvents(paymentStream(paymentId), eventIdFor(paymentId, step))
      : undefined;
    if (own) return answer(own.state, own.events, own.position);
    const { decision, states, position } = await this.eventSourcing.handle({
      // Queued on the streams written at an exact revision: the payment, and the payee when a refund debits it.
      streams: paymentStreams(state, { payment: { queued: true }, payee: { queued: change.type === 'refund' } }),
      decide: (states, now) => paymentAppends(decidePaymentChange(command, states, now)),
      // A capture refused for coming too late writes the payment's expiry, named as the sweeper's.
      eventIds: (stream, { decision }) => paymentEventIds(paymentId, decision.ok ? step : 'expire')(stream),
      metadata: eventMetadata(context),
    });
    return answer(states.payment, decision.events.payment ?? [], position!);
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
