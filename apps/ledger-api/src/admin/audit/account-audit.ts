import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, EVENT_STORE, EventStore, parsePosition } from '@ledger/event-store';
import {
  AccountEvent,
  AccountState,
  availableAmount,
  DomainRefusal,
  evolveAccount,
  heldAmount,
  initialAccountState,
} from '@ledger/ledger-domain';
import { accountDiscrepancies, AccountReadModel, accountStream, amountOf, streamEvents } from '../../accounts';
import { jsonAmount } from '../../http/json-amount';
import { toDomainEvent } from '@ledger/event-sourcing';

const balanceOf = (state: AccountState) => ({
  available: jsonAmount(availableAmount(state)),
  held: jsonAmount(heldAmount(state)),
  ledger: jsonAmount(state.status === 'open' ? state.ledger : 0n),
});

/**
 * An account at a moment: its events up to `at` replayed with the running balances, beside the
 * read model. The read model is checked against the replay up to the event it last applied, so a
 * projection that merely lags is not called inconsistent.
 */
@Injectable()
export class AccountAudit {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: AccountReadModel,
  ) {}

  async at(accountId: string, at: Date) {
    const row = await this.accounts.find(accountId);
    const projectedTo = row ? parsePosition(row.position) : undefined;
    let then: AccountState = initialAccountState;
    let projected: AccountState = initialAccountState;
    let seen = false;
    const events = [];
    for await (const recorded of streamEvents(this.store, accountStream(accountId))) {
      seen = true;
      const event = toDomainEvent<AccountEvent>(recorded);
      if (projectedTo && comparePositions(recorded.position, projectedTo) <= 0) {
        projected = evolveAccount(projected, event);
      }
      if (recorded.createdAt > at) continue;
      then = evolveAccount(then, event);
      const amount = amountOf(event);
      events.push({
        revision: jsonAmount(recorded.revision),
        type: event.type,
        amount: amount === null ? null : jsonAmount(amount),
        ledgerAfter: balanceOf(then).ledger,
        heldAfter: balanceOf(then).held,
        createdAt: recorded.createdAt.toISOString(),
      });
    }
    if (!seen) throw new DomainRefusal({ code: 'account_not_found', message: 'The account does not exist.' });
    return {
      accountId,
      at: at.toISOString(),
      balance: balanceOf(then),
      events,
      readModel: row
        ? {
            available: jsonAmount(BigInt(row.ledger) - BigInt(row.held)),
            held: jsonAmount(row.held),
            ledger: jsonAmount(row.ledger),
            position: row.position,
            updatedAt: row.updated_at.toISOString(),
          }
        : null,
      consistent: row !== undefined && accountDiscrepancies(accountId, projected, row).length === 0,
    };
  }
}
