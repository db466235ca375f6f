import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decidePaymentBatch,
  evolvePayment,
  initialPaymentState,
  MovementIdState,
  NewPayment,
  paymentBatchStreamName,
  PaymentRefusalCode,
  PaymentState,
  paymentStreamName,
} from '@ledger/ledger-domain';
import { mayUseAccount, Principal } from '../../auth/principal';
import { BatchCommands, BatchResult } from '../../shared/batch-commands';
import { CommandContext, eventMetadata, newEntityId } from '../../shared/command-context';
import { deterministicUuid } from '../../shared/deterministic-id';
import { movementIdStream } from '../../shared/streams';
import { CreatePaymentBatchDto } from './create-payment-batch.dto';
import { toPaymentBatchResponse } from './create-payment-batch.response';

export class CreatePaymentBatchCommand extends Command<BatchResult<PaymentState, PaymentRefusalCode>> {
  constructor(
    readonly request: CreatePaymentBatchDto,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Many new payments in one command, decided in order and written in one append (see BatchCommands). */
@CommandHandler(CreatePaymentBatchCommand)
export class CreatePaymentBatchHandler implements ICommandHandler<CreatePaymentBatchCommand> {
  constructor(private readonly batches: BatchCommands) {}

  execute({ request, principal, context }: CreatePaymentBatchCommand) {
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
    const payers = items.map((item) => item.payerAccountId);
    const idsChosen = request.items.map((item) => item.id !== undefined);
    // An item given its id reads the claim on it and creates it (see claimChosenId): the id
    // may be a transfer's. A derived id (version 8, its own namespace) no movement can have: an item
    // with one reads and claims nothing, as a single payment does.
    const claims = items.map((item, index) => (idsChosen[index] ? movementIdStream(item.paymentId) : undefined));
    return this.batches.run(
      {
        batchId,
        mode: request.mode,
        itemStreams: items.map((item) => paymentStreamName(item.paymentId)),
        idsChosen,
        otherStreams: claims.filter((claim) => claim !== undefined),
        accountIds: [...new Set([...payers, ...items.map((item) => item.payeeAccountId)])],
        // Payers' funds are checked, as a single payment's are.
        checkedAccountIds: payers,
        batchStream: paymentBatchStreamName(batchId),
        evolve: evolvePayment,
        initialState: initialPaymentState,
        decide: (payments, accounts, now, others) =>
          decidePaymentBatch(
            { batchId, mode: request.mode, items },
            {
              payments,
              claims: claims.map((claim) => claim && (others.get(claim.name) as MovementIdState)),
              accounts,
              mayPayFrom: (account) => mayUseAccount(principal, account),
            },
            now,
          ),
      },
      eventMetadata(context),
      context.answer && { recording: context.answer, bodyOf: toPaymentBatchResponse },
    );
  }
}
