import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  accountStreamName,
  decidePayment,
  evolvePayment,
  initialPaymentState,
  paymentStreamName,
} from '@ledger/ledger-domain';
import { canSee, Principal } from '../../auth/principal';
import { ApiError } from '../../http/api-error';
import { toApiError } from '../../http/domain-errors';
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
    const { payerAccountId, payeeAccountId } = command.request;
    if (payerAccountId === payeeAccountId) {
      throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
        { field: 'payeeAccountId', problems: ['payeeAccountId must differ from payerAccountId'] },
      ]);
    }
    const paymentId = newEntityId('payment', command.context);
    // Only the payer is written at an exact revision; the payee's credit needs no queue, so a
    // busy merchant receives many payments at once. The payer's queue is held while deciding and
    // starting the append, not while it commits: the next payment from the payer decides on this
    // one's outcome meanwhile, and their appends share a group commit.
    return decideInQueue(this.queue, accountStreamName(payerAccountId), () => this.attempt(command, paymentId));
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
    const { payer, payee } = accounts;
    if (payer.state.status !== 'open' || !canSee(principal, payer.state.userId)) {
      throw new ApiError(404, 'not_found', 'No such payer account.');
    }
    if (payee.state.status !== 'open') throw new ApiError(404, 'not_found', 'No such payee account.');
    if (payer.state.currency !== payee.state.currency) {
      throw new ApiError(422, 'currency_mismatch', 'Payer and payee accounts hold different currencies.');
    }
    const decision = decidePayment(
      {
        type: 'AuthorizePayment',
        paymentId,
        payerAccountId: request.payerAccountId,
        payeeAccountId: request.payeeAccountId,
        payerUserId: payer.state.userId,
        payeeUserId: payee.state.userId,
        amount: BigInt(request.amount),
        currency: payer.state.currency,
        captureMethod: request.captureMethod,
        captureWindowSeconds: request.captureWindowSeconds,
        description: request.description ?? null,
      },
      payment.state,
      this.clock.now(),
    );
    if (!decision.ok) throw toApiError(decision.error);
    const { state, committed } = await this.writer.submit(
      payment,
      decision.events,
      accounts,
      { payer: request.payerAccountId, payee: request.payeeAccountId },
      'create',
      eventMetadata(context),
    );
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
