import { Command } from '@nestjs/cqrs';
import { Position } from '@ledger/event-store';
import { TransferKind } from '@ledger/ledger-domain';
import { Principal } from '../../auth/principal';
import { CommandContext } from '../../shared/command-context';
import { TransferResponse } from '../transfer.response';

/** A deposit or a withdrawal through the bank; a withdrawal holds its amount at once. */
export class RequestTransferCommand extends Command<{ transfer: TransferResponse; position: Position }> {
  constructor(
    readonly kind: TransferKind,
    readonly accountId: string,
    readonly amount: bigint,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}
