import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import { decideNewPayment, DomainRefusal } from '@ledger/ledger-domain';
import { accountSeenBy, Principal } from '../../auth/principal';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { paymentStream } from '../../shared/streams';
import { paymentAppends, paymentEventIds, paymentStreams } from '../payment-streams';
import { PaymentResponse } from '../payment.response';
import { toPaymentResponse } from '../payment.view';
import { CreatePaymentDto } from './create-payment.dto';

export class CreatePaymentCommand extends Command<{ payment: PaymentResponse; position: Position }> {
  constructor(
    readonly request: CreatePaymentDto,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CreatePaymentCommand)
export class CreatePaymentHandler implements ICommandHandler<CreatePaymentCommand> {
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ request, principal, context }: CreatePaymentCommand) {
    const paymentId = newEntityId('payment', context);
    const payment = {
      paymentId,
      payerAccountId: request.payerAccountId,
      payeeAccountId: request.payeeAccountId,
      amount: BigInt(request.amount),
      captureMethod: request.captureMethod,
      captureWindowSeconds: request.captureWindowSeconds,
      description: request.description ?? null,
    };
    const { states, position } = await this.eventSourcing.handle({
      // Only the payer is queued and written at an exact revision. The payee's credit needs
      // neither, and the payee is checked only for being open and its currency, which never
      // change: a busy merchant receives many payments at once, from the state in memory. The
      // payment is new but for a retry, which its append at no_stream tells apart.
      streams: paymentStreams(payment, {
        payment: { presumedNew: true },
        payer: { queued: true },
        payee: { lastingFactsOnly: true },
      }),
      decide: (states, now) =>
        // The payment id is the caller's and its key's: a payment already there is this
        // request's own, retried after its answer was lost (answered below).
        states.payment.status !== 'none'
          ? { ok: true, events: {} }
          : paymentAppends(
              // A payer account the caller may not see does not exist for them.
              decideNewPayment(payment, { ...states, payer: accountSeenBy(principal, states.payer) }, now),
            ),
      eventIds: paymentEventIds(paymentId, 'create'),
      metadata: eventMetadata(context),
      record: context.answer?.of((states) => toPaymentResponse(states.payment)),
    });
    if (!position) return this.firstAnswer(paymentId);
    return { payment: toPaymentResponse(states.payment), position };
  }

  /** What the first attempt of this request answered. */
  private async firstAnswer(paymentId: string): Promise<{ payment: PaymentResponse; position: Position }> {
    const own = await this.eventSourcing.findOwnEvents(paymentStream(paymentId), eventIdFor(paymentId, 'create'));
    // Not this request's: another movement has the id (a batch item given it before chosen ids of
    // version 8 were refused), which is no reason for a 500.
    if (!own) throw new DomainRefusal({ code: 'payment_exists', message: 'The payment already exists.' });
    return { payment: toPaymentResponse(own.state), position: own.position };
  }
}
