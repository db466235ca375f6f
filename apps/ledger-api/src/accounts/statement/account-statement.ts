import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import {
  AccountEvent,
  AccountState,
  assertNever,
  evolveAccount,
  heldAmount,
  initialAccountState,
  MovementReference,
} from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { accountStream, streamEvents } from '../account-replay';

/** The statement's period: entries recorded after `from`, up to and including `to`. */
export interface StatementPeriod {
  from: Date;
  to: Date;
}

/** One movement of settled (ledger) money. */
export interface StatementEntry {
  at: Date;
  eventId: string;
  type: MovementReference['type'];
  referenceId: string;
  direction: 'credit' | 'debit';
  amount: bigint;
  /** Credits minus debits of the period's entries so far: the running balance less the opening. */
  movedSoFar: bigint;
}

export interface BalanceAt {
  ledger: bigint;
  held: bigint;
}

export interface StatementSummary {
  opening: BalanceAt;
  closing: BalanceAt;
  credits: bigint;
  debits: bigint;
}

/**
 * An account statement replayed from the account's own stream, exactly as the point-in-time audit
 * replays it (events by their recorded time, `at` inclusive): the opening is the account at `from`,
 * the closing the account at `to`, and the entries are the ledger movements recorded in between.
 * Reading the stream itself, the statement needs no projection to have caught up; it costs a read
 * of the account's whole history, a page at a time (flat memory).
 */
@Injectable()
export class AccountStatement {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * The period's entries in stream order, then its summary. Recorded times may step back by a
   * hair between concurrent commits, so an event on or before `from` can follow an entry: only
   * the end of the stream settles the opening, hence entries carry `movedSoFar`, not a balance.
   */
  async *walk(accountId: string, { from, to }: StatementPeriod): AsyncGenerator<StatementEntry, StatementSummary> {
    let atFrom: AccountState = initialAccountState;
    let atTo: AccountState = initialAccountState;
    let credits = 0n;
    let debits = 0n;
    const holds = new HoldReferences();
    for await (const recorded of streamEvents(this.store, accountStream(accountId))) {
      const event = toDomainEvent<AccountEvent>(recorded);
      const movement = holds.movementOf(event);
      if (recorded.createdAt <= from) atFrom = evolveAccount(atFrom, event);
      if (recorded.createdAt > to) continue;
      atTo = evolveAccount(atTo, event);
      if (!movement || recorded.createdAt <= from) continue;
      if (movement.direction === 'credit') credits += movement.amount;
      else debits += movement.amount;
      yield { ...movement, at: recorded.createdAt, eventId: recorded.id, movedSoFar: credits - debits };
    }
    return { opening: balanceAt(atFrom), closing: balanceAt(atTo), credits, debits };
  }
}

const balanceAt = (state: AccountState): BalanceAt => ({
  ledger: state.status === 'open' ? state.ledger : 0n,
  held: heldAmount(state),
});

type Movement = Pick<StatementEntry, 'type' | 'referenceId' | 'direction' | 'amount'>;

/**
 * Which movement a settled hold belongs to: the hold, placed earlier on the same stream, says.
 * Only open holds are remembered, so memory follows the holds, not the history.
 */
class HoldReferences {
  private readonly open = new Map<string, MovementReference>();

  movementOf(event: AccountEvent): Movement | undefined {
    switch (event.type) {
      case 'FundsCredited':
      case 'FundsDebited': {
        const { reference, amount } = event.data;
        const direction = event.type === 'FundsCredited' ? 'credit' : 'debit';
        return { type: reference.type, referenceId: reference.id, direction, amount: BigInt(amount) };
      }
      case 'FundsHeld':
        this.open.set(event.data.holdId, event.data.reference);
        return undefined;
      case 'HoldReleased':
        this.open.delete(event.data.holdId);
        return undefined;
      case 'HoldSettled': {
        // The domain settles only a hold it placed, so the hold is known.
        const { type, id } = this.open.get(event.data.holdId)!;
        this.open.delete(event.data.holdId);
        return { type, referenceId: id, direction: 'debit', amount: BigInt(event.data.amount) };
      }
      case 'AccountOpened':
        return undefined;
      default:
        return assertNever(event);
    }
  }
}
