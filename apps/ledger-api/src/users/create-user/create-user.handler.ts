import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventMetadata, EventStore } from '@ledger/event-store';
import {
  apiKeyStreamName,
  decideUser,
  DomainRefusal,
  evolveUser,
  initialUserState,
  UserEvent,
  UserState,
  userStreamName,
} from '@ledger/ledger-domain';
import { generateApiKey, hashApiKey } from '../../auth/api-key';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { toEventData } from '../../shared/event-sourcing';
import { findOwnEvents } from '../../shared/own-events';
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
    const metadata = eventMetadata(context);
    // The user id is the caller's and its key's: a user already there was created by this very
    // request, whose process died before answering, so its key was never seen.
    const own = await findOwnEvents(
      this.store,
      userStreamName(userId),
      eventIdFor(userId, 'create'),
      evolveUser,
      initialUserState,
    );
    if (own) return this.issueAnotherKey(own.state, { name, role }, apiKey, now, metadata);
    const result = await this.store.append(newUserAppends({ userId, name, role, keyHash }, now, metadata));
    return { user: { id: userId, name, role, apiKey, createdAt: now.toISOString() }, position: result.position };
  }

  /** The retry of a creation that crashed answers the user with a new key in place of the unseen one. */
  private async issueAnotherKey(
    user: UserState,
    asked: Pick<Extract<UserState, { status: 'active' }>, 'name' | 'role'>,
    apiKey: string,
    now: Date,
    metadata: EventMetadata,
  ) {
    // A different user under a reused key (its idempotency record expired) is not this request's.
    if (user.status !== 'active' || user.name !== asked.name || user.role !== asked.role) {
      throw new DomainRefusal({ code: 'user_exists', message: 'The user already exists.' });
    }
    const keyHash = hashApiKey(apiKey);
    const decision = decideUser({ type: 'IssueApiKey', keyHash }, user, now);
    if (!decision.ok) throw new DomainRefusal(decision.error);
    const result = await this.store.append([
      {
        streamName: apiKeyStreamName(keyHash),
        expectedRevision: 'no_stream',
        events: toEventData<UserEvent>(decision.events, eventIdFor(user.userId, `key:${keyHash}`), metadata),
      },
    ]);
    const { userId, name, role, createdAt } = user;
    return { user: { id: userId, name, role, apiKey, createdAt }, position: result.position };
  }
}
