import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  AccountEvent,
  accountStreamName,
  decideOpenAccount,
  eventsOf,
  evolveAccount,
  evolveUser,
  initialAccountState,
  initialUserState,
  userStreamName,
} from '@ledger/ledger-domain';
import { CLOCK, Clock } from '../../shared/clock';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { loadAggregate, toEventData } from '../../shared/event-sourcing';
import { findOwnEvents } from '../../shared/own-events';
import { OpenAccountCommand } from './open-account.command';

type AccountOpened = Extract<AccountEvent, { type: 'AccountOpened' }>;

@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<OpenAccountCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ ownerId, currency, context }: OpenAccountCommand) {
    const accountId = newEntityId('account', context);
    const idFor = eventIdFor(accountId, 'open');
    const [owner, own] = await Promise.all([
      loadAggregate(this.store, userStreamName(ownerId), evolveUser, initialUserState),
      // The account id is the caller's and its key's: an account already there is this request's
      // own, retried after its answer was lost. It answers what the first attempt answered.
      findOwnEvents(this.store, accountStreamName(accountId), idFor, evolveAccount, initialAccountState),
    ]);
    if (own) return opened(own.events[0] as AccountOpened, own.position);
    const events = eventsOf(decideOpenAccount({ accountId, currency }, owner.state, this.clock.now()));
    const result = await this.store.append([
      {
        streamName: accountStreamName(accountId),
        expectedRevision: 'no_stream',
        events: toEventData(events, idFor, eventMetadata(context)),
      },
    ]);
    return opened(events[0] as AccountOpened, result.position);
  }
}

/** A new account as its opening answers it: open, with nothing in it. */
function opened({ data }: AccountOpened, position: Position) {
  return {
    account: {
      id: data.accountId,
      userId: data.userId,
      currency: data.currency,
      status: 'open' as const,
      balance: { available: 0, held: 0, ledger: 0 },
      createdAt: data.openedAt,
    },
    position,
  };
}
