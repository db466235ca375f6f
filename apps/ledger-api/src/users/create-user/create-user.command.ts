import { Command } from '@nestjs/cqrs';
import { Position } from '@ledger/event-store';
import { Role } from '@ledger/ledger-domain';
import { CommandContext } from '../../shared/command-context';
import { UserResponse } from '../user.response';

export class CreateUserCommand extends Command<{ user: UserResponse; position: Position }> {
  constructor(
    readonly name: string,
    readonly role: Role,
    readonly context: CommandContext,
  ) {
    super();
  }
}
