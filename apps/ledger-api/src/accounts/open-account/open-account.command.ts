import { Command } from '@nestjs/cqrs';
import { Position } from '@ledger/event-store';
import { Currency } from '@ledger/ledger-domain';
import { CommandContext } from '../../shared/command-context';
import { AccountResponse } from '../account.response';

export class OpenAccountCommand extends Command<{ account: AccountResponse; position: Position }> {
  constructor(
    readonly ownerId: string,
    readonly currency: Currency,
    readonly context: CommandContext,
  ) {
    super();
  }
}
