import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  accountStreamName,
  decideNewPayment,
  evolvePayment,
  initialPaymentState,
  paymentStreamName,
} from '@ledger/ledger-domain';
import { accountSeenBy, Principal } from '../../auth/principal';
import { CLOCK, Clock } from '../../shared/clock';
import { CommandContext, eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { decideInQueue, loadAggregate } from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { findOwnEvents } from '../../shared/own-events';
import { PaymentWriter } from '../payment-writer';
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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
    private readonly writer: PaymentWriter,
  ) {}

  execute(command: CreatePaymentCommand) {
    const paymentId = newEntityId('payment', command.context);
    // Only the payer is written at an exact revision; the payee's credit needs no queue, so a
    // busy merchant receives many payments at once. The payer's queue is held while deciding and
    // starting the append, not while it commits: the next payment from the payer decides on this
    // one's outcome meanwhile, and their appends share a group commit.
    return decideInQueue(this.queue, accountStreamName(command.request.payerAccountId), () =>
      this.attempt(command, paymentId),
    );
  }

  private async attempt(
    { request, principal, context }: CreatePaymentCommand,
    paymentId: string,
  ): Promise<{ committed: Promise<{ payment: PaymentResponse; position: Position }> }> {
    const [payment, accounts] = await Promise.all([
      loadAggregate(this.store, paymentStreamName(paymentId), evolvePayment, initialPaymentState),
      this.writer.loadAccounts(request.payerAccountId, request.payeeAccountId),
    ]);
    // The payment id is the caller's and its key's: a payment already there is this request's own,
    // retried after its answer was lost. It answers what the first attempt answered.
    if (payment.state.status !== 'none') return { committed: this.firstAnswer(paymentId) };
    const decision = decideNewPayment(
      {
        paymentId,
        payerAccountId: request.payerAccountId,
        payeeAccountId: request.payeeAccountId,
        amount: BigInt(request.amount),
        captureMethod: request.captureMethod,
        captureWindowSeconds: request.captureWindowSeconds,
        description: request.description ?? null,
      },
      // A payer account the caller may not see does not exist for them.
      { payment: payment.state, payer: accountSeenBy(principal, accounts.payer.state), payee: accounts.payee.state },
      this.clock.now(),
    );
    const ids = { payer: request.payerAccountId, payee: request.payeeAccountId };
    const metadata = eventMetadata(context);
    if (!decision.ok) return this.writer.refuse(decision, payment, accounts, ids, metadata);
    const { state, committed } = this.writer.submit(payment, decision.writes, accounts, ids, 'create', metadata);
    return {
      committed: committed.then((result) => ({ payment: toPaymentResponse(state), position: result.position })),
    };
  }

  private async firstAnswer(paymentId: string): Promise<{ payment: PaymentResponse; position: Position }> {
    const own = await findOwnEvents(
      this.store,
      paymentStreamName(paymentId),
      eventIdFor(paymentId, 'create'),
      evolvePayment,
      initialPaymentState,
    );
    if (!own) throw new Error(`payment ${paymentId} exists without its authorization`);
    return { payment: toPaymentResponse(own.state), position: own.position };
  }
}
