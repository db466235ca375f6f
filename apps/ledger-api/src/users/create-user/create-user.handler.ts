import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { apiKeyStreamName, decideUser, initialUserState, userStreamName } from '@ledger/ledger-domain';
import { generateApiKey, hashApiKey } from '../../auth/api-key';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { toEventData } from '../../shared/event-sourcing';
import { toApiError } from '../../http/domain-errors';
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
    const decision = decideUser(
      { type: 'CreateUser', userId, name, role, keyHash },
      initialUserState,
      this.clock.now(),
    );
    if (!decision.ok) throw toApiError(decision.error);
    const [created, issued] = toEventData(decision.events, eventIdFor(userId, 'create'), eventMetadata(context));
    const result = await this.store
      .append([
        { streamName: userStreamName(userId), expectedRevision: 'no_stream', events: [created] },
        { streamName: apiKeyStreamName(keyHash), expectedRevision: 'no_stream', events: [issued] },
      ])
      .catch(() => {
        // Only a retry of a request whose first run crashed can meet its user already there.
        throw toApiError({ code: 'user_exists', message: 'The user already exists.' });
      });
    const createdAt = (created.data as { createdAt: string }).createdAt;
    return { user: { id: userId, name, role, apiKey, createdAt }, position: result.position };
  }
}
