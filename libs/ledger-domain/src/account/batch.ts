import { AccountEvent, AccountState, evolveAccount, initialAccountState } from './account';
import { DomainError } from '../shared/result';

/**
 * `atomic`: all items or none (TigerBeetle's linked chain); `independent`: each item on its own,
 * the refused ones written nowhere.
 */
export type BatchMode = 'atomic' | 'independent';

/** Events an item writes on a stream besides its own and the accounts' (the claim on a movement's id). */
export interface OtherStreamWrites {
  stream: string;
  events: { type: string; data: unknown }[];
}

/**
 * One item decided: the events of its own stream, of any other stream it creates, and what it
 * moves on accounts; or its refusal.
 */
export type BatchItemDecision<Event, Code extends string> =
  | {
      ok: true;
      events: Event[];
      others?: OtherStreamWrites[];
      accounts: { accountId: string; events: AccountEvent[]; checked: boolean }[];
    }
  | { ok: false; error: DomainError<Code> };

export type BatchItemOutcome<Event, Code extends string> =
  { ok: true; events: Event[]; others?: OtherStreamWrites[] } | { ok: false; error: DomainError<Code> };

/** An account's events from the whole batch, and whether any item checked its funds (a hold, a debit). */
export interface AccountBatchWrites {
  events: AccountEvent[];
  checked: boolean;
}

/**
 * The batch as decided, on its own stream: a retry of the request finds it and answers what was
 * decided, refusals included, and an auditor sees which items travelled together.
 */
export interface BatchRecorded<Type extends string, Code extends string> {
  type: Type;
  data: {
    batchId: string;
    mode: BatchMode;
    /** Each item's stream, and its refusal (null when it was written). */
    items: { stream: string; refusal: DomainError<Code> | null }[];
    at: string;
  };
}

export type BatchDecision<Event, Code extends string, Recorded> =
  | { ok: true; items: BatchItemOutcome<Event, Code>[]; accounts: Map<string, AccountBatchWrites>; recorded: Recorded }
  | { ok: false; index: number; error: DomainError<Code> };

/** A batch command: its id, mode, and items each with the stream it creates. */
export interface BatchCommand<Item> {
  batchId: string;
  mode: BatchMode;
  items: readonly Item[];
}

/**
 * Decides the items in order, each on the accounts as the items before it left them: an account
 * paying three times in one batch is checked against what remains after the first two. The
 * account events are gathered per account, so that the batch is one append.
 */
export function decideInOrder<Item, Event, Code extends string, Type extends string>(
  { batchId, mode, items }: BatchCommand<Item>,
  recordedType: Type,
  streamOf: (item: Item) => string,
  accounts: ReadonlyMap<string, AccountState>,
  decideItem: (
    item: Item,
    index: number,
    accountOf: (accountId: string) => AccountState,
  ) => BatchItemDecision<Event, Code>,
  now: Date,
): BatchDecision<Event, Code, BatchRecorded<Type, Code>> {
  const running = new Map(accounts);
  const accountOf = (accountId: string) => running.get(accountId) ?? initialAccountState;
  const writes = new Map<string, AccountBatchWrites>();
  const outcomes: BatchItemOutcome<Event, Code>[] = [];
  for (const [index, item] of items.entries()) {
    const decision = decideItem(item, index, accountOf);
    if (!decision.ok) {
      if (mode === 'atomic') return { ok: false, index, error: decision.error };
      outcomes.push(decision);
      continue;
    }
    for (const { accountId, events, checked } of decision.accounts) {
      if (events.length === 0) continue;
      // Added to, not copied: a payee of every item would copy its growing list a thousand times.
      const written = writes.get(accountId);
      if (written) {
        written.events.push(...events);
        written.checked ||= checked;
      } else {
        writes.set(accountId, { events: [...events], checked });
      }
      running.set(accountId, events.reduce(evolveAccount, accountOf(accountId)));
    }
    outcomes.push({ ok: true, events: decision.events, ...(decision.others && { others: decision.others }) });
  }
  const recorded: BatchRecorded<Type, Code> = {
    type: recordedType,
    data: {
      batchId,
      mode,
      items: items.map((item, index) => {
        const outcome = outcomes[index];
        return { stream: streamOf(item), refusal: outcome.ok ? null : outcome.error };
      }),
      at: now.toISOString(),
    },
  };
  return { ok: true, items: outcomes, accounts: writes, recorded };
}
