import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventSourcing } from '@ledger/event-sourcing';
import { apiKeyStreamName, decideUserCreation, evolveUser, initialUserState, UserEvent } from '@ledger/ledger-domain';
import { generateApiKey, hashApiKey } from '../../auth/api-key';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { userStream } from '../../shared/streams';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ name, role, context }: CreateUserCommand) {
    // The user id is the caller's and its key's: a user already there was created by this very
    // request, whose process died before answering, so its key was never seen (see decideUserCreation).
    const userId = newEntityId('user', context);
    const apiKey = generateApiKey();
    const keyHash = hashApiKey(apiKey);
    const { states, position } = await this.eventSourcing.handle({
      streams: {
        user: userStream(userId),
        apiKey: { name: apiKeyStreamName(keyHash), evolve: evolveUser, initialState: initialUserState },
      },
      decide: ({ user }, now) => {
        const decision = decideUserCreation({ type: 'CreateUser', userId, name, role, keyHash }, user, now);
        if (!decision.ok) return decision;
        const of = (type: UserEvent['type']) => decision.events.filter((event) => event.type === type);
        return { ok: true, events: { user: of('UserCreated'), apiKey: of('ApiKeyIssued') } };
      },
      eventIds: (stream) => eventIdFor(userId, stream === 'user' ? 'create' : `key:${keyHash}`),
      metadata: eventMetadata(context),
    });
    const user = states.user as Extract<typeof states.user, { status: 'active' }>;
    return { user: { id: userId, name, role, apiKey, createdAt: user.createdAt }, position: position! };
  }
}
