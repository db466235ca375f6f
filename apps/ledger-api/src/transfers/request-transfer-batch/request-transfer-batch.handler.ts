import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideTransferBatch,
  evolveTransfer,
  initialTransferState,
  otherTransferKind,
  transferBatchStreamName,
  MovementIdState,
  TransferRequest,
  TransferRequestRefusalCode,
  TransferState,
  transferStreamName,
} from '@ledger/ledger-domain';
import { mayUseAccount, Principal } from '../../auth/principal';
import { BatchCommands, BatchResult } from '../../shared/batch-commands';
import { CommandContext, eventMetadata, newEntityId } from '../../shared/command-context';
import { deterministicUuid } from '../../shared/deterministic-id';
import { movementIdStream, transferStream } from '../../shared/streams';
import { RequestTransferBatchDto } from './request-transfer-batch.dto';
import { toTransferBatchResponse } from './request-transfer-batch.response';

export class RequestTransferBatchCommand extends Command<BatchResult<TransferState, TransferRequestRefusalCode>> {
  constructor(
    readonly request: RequestTransferBatchDto,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Many deposits and withdrawals in one command, decided in order and written in one append (see
 * BatchCommands); the bank work picks each up as it does a single request's.
 */
@CommandHandler(RequestTransferBatchCommand)
export class RequestTransferBatchHandler implements ICommandHandler<RequestTransferBatchCommand> {
  constructor(private readonly batches: BatchCommands) {}

  execute({ request, principal, context }: RequestTransferBatchCommand) {
    const batchId = newEntityId('transfer-batch', context);
    const items = request.items.map((item, index): TransferRequest => ({
      transferId: item.id ?? deterministicUuid('transfer-batch-item', batchId, String(index)),
      kind: item.kind,
      accountId: item.accountId,
      amount: BigInt(item.amount),
    }));
    const accountIds = [...new Set(items.map((item) => item.accountId))];
    // Every item, its id given or derived (which a client can foresee and give elsewhere), checks
    // the claim on its id and the id's other kind, and creates the claim (see decideMovementIdClaim).
    const otherKinds = items.map((item) => transferStream(otherTransferKind(item.kind), item.transferId));
    const claims = items.map((item) => movementIdStream(item.transferId));
    return this.batches.run(
      {
        batchId,
        mode: request.mode,
        itemStreams: items.map((item) => transferStreamName(item.kind, item.transferId)),
        idsChosen: request.items.map((item) => item.id !== undefined),
        otherStreams: [...claims, ...otherKinds],
        accountIds,
        // Withdrawals hold funds, checked; a batch of deposits only would need no queue, but is rare.
        checkedAccountIds: accountIds,
        batchStream: transferBatchStreamName(batchId),
        evolve: evolveTransfer,
        initialState: initialTransferState,
        decide: (transfers, accounts, now, others) =>
          decideTransferBatch(
            { batchId, mode: request.mode, items },
            {
              transfers,
              claims: claims.map(({ name }) => others.get(name) as MovementIdState),
              otherKinds: otherKinds.map(({ name }) => others.get(name) as TransferState),
              accounts,
              mayUse: (account) => mayUseAccount(principal, account),
            },
            now,
          ),
      },
      eventMetadata(context),
      context.answer && { recording: context.answer, bodyOf: toTransferBatchResponse },
    );
  }
}
