import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import { generateApiKey, hashApiKey } from '../../auth/api-key';
import { CLOCK, Clock } from '../../shared/clock';
import { eventMetadata, newEntityId } from '../../shared/command-context';
import { toApiError } from '../../http/domain-errors';
import { newUserAppends } from '../new-user-appends';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ name, role, context }: CreateUserCommand) {
    const userId = newEntityId('user', context);
    const apiKey = generateApiKey();
    const keyHash = hashApiKey(apiKey);
    const now = this.clock.now();
    const result = await this.store
      .append(newUserAppends({ userId, name, role, keyHash }, now, eventMetadata(context)))
      .catch((error: unknown) => {
        // Only a retry of a request whose first run crashed can meet its user already there.
        if (error instanceof WrongExpectedRevisionError) {
          throw toApiError({ code: 'user_exists', message: 'The user already exists.' });
        }
        throw error;
      });
    const createdAt = now.toISOString();
    return { user: { id: userId, name, role, apiKey, createdAt }, position: result.position };
  }
}
