import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import {
  accountStreamName,
  decideAccount,
  evolveUser,
  initialAccountState,
  initialUserState,
  userStreamName,
} from '@ledger/ledger-domain';
import { toApiError } from '../../http/domain-errors';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { loadAggregate, toEventData } from '../../shared/event-sourcing';
import { OpenAccountCommand } from './open-account.command';

@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<OpenAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ ownerId, currency, context }: OpenAccountCommand) {
    const owner = await loadAggregate(this.store, userStreamName(ownerId), evolveUser, initialUserState);
    if (owner.state.status !== 'active') throw toApiError({ code: 'user_not_found', message: 'No such user.' });
    const accountId = newEntityId('account', context);
    const decision = decideAccount(
      { type: 'OpenAccount', accountId, userId: ownerId, currency },
      initialAccountState,
      this.clock.now(),
    );
    if (!decision.ok) throw toApiError(decision.error);
    const events = toEventData(decision.events, eventIdFor(accountId, 'open'), eventMetadata(context));
    const result = await this.store.append([
      { streamName: accountStreamName(accountId), expectedRevision: 'no_stream', events },
    ]);
    const createdAt = (events[0].data as { openedAt: string }).openedAt;
    return {
      account: {
        id: accountId,
        userId: ownerId,
        currency,
        status: 'open',
        balance: { available: 0, held: 0, ledger: 0 },
        createdAt,
      },
      position: result.position,
    };
  }
}
