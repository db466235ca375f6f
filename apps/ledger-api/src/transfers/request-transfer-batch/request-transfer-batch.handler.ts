import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideTransferBatch,
  evolveTransfer,
  initialTransferState,
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
import { movementIdStream } from '../../shared/streams';
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
    const idsChosen = request.items.map((item) => item.id !== undefined);
    // An item given its id reads the claim on it and creates it (see claimChosenId): the id may be
    // another movement's. A derived id (version 8, its own namespace) no movement can have.
    const claims = items.map((item, index) => (idsChosen[index] ? movementIdStream(item.transferId) : undefined));
    return this.batches.run(
      {
        batchId,
        mode: request.mode,
        itemStreams: items.map((item) => transferStreamName(item.kind, item.transferId)),
        idsChosen,
        otherStreams: claims.filter((claim) => claim !== undefined),
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
              claims: claims.map((claim) => claim && (others.get(claim.name) as MovementIdState)),
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
