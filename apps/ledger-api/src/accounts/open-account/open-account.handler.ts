import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { appendingTo, EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import { AccountEvent, decideOpenAccount } from '@ledger/ledger-domain';
import { eventIdFor, eventMetadata, newEntityId } from '../../shared/command-context';
import { accountStream, userStream } from '../../shared/streams';
import { OpenAccountCommand } from './open-account.command';

type AccountOpened = Extract<AccountEvent, { type: 'AccountOpened' }>;

@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<OpenAccountCommand> {
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ ownerId, currency, context }: OpenAccountCommand) {
    const accountId = newEntityId('account', context);
    const idFor = eventIdFor(accountId, 'open');
    const { decision, position } = await this.eventSourcing.handle({
      streams: { owner: userStream(ownerId), account: accountStream(accountId) },
      decide: ({ owner, account }, now) => {
        // The account id is the caller's and its key's: an account already there is this
        // request's own, retried after its answer was lost (answered below).
        if (account.status !== 'unopened') return { ok: true, events: { account: [] } };
        return appendingTo('account', decideOpenAccount({ accountId, currency }, owner, now));
      },
      eventIds: () => idFor,
      metadata: eventMetadata(context),
    });
    if (position) return opened(decision.events.account[0] as AccountOpened, position);
    const own = await this.eventSourcing.findOwnEvents(accountStream(accountId), idFor);
    if (!own) throw new Error(`account ${accountId} exists without its opening`);
    return opened(own.events[0] as AccountOpened, own.position);
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
