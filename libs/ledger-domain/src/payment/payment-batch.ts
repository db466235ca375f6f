import { AccountEvent, AccountState, evolveAccount, initialAccountState } from '../account/account';
import { DomainError } from '../shared/result';
import { PaymentEvent, PaymentState } from './payment';
import { decideNewPayment, NewPayment, PaymentRefusalCode } from './payment-decision';

/**
 * `atomic`: all items or none (TigerBeetle's linked chain); `independent`: each item on its own,
 * the refused ones written nowhere.
 */
export type BatchMode = 'atomic' | 'independent';

/** New payments asked for together, in order. */
export interface PaymentBatchCommand {
  batchId: string;
  mode: BatchMode;
  items: readonly NewPayment[];
}

/**
 * The batch as decided, on its own stream: a retry of the request finds it and answers what was
 * decided, refusals included, and an auditor sees which payments travelled together.
 */
export interface PaymentBatchRecorded {
  type: 'PaymentBatchRecorded';
  data: {
    batchId: string;
    mode: BatchMode;
    items: { paymentId: string; refusal: DomainError<PaymentRefusalCode> | null }[];
    at: string;
  };
}

export const paymentBatchStreamName = (batchId: string) => `paymentbatch-${batchId}`;

/** What a batch of new payments is decided on. */
export interface PaymentBatchStates {
  /** Each item's payment, in item order (`none` unless an earlier attempt of the batch wrote it). */
  payments: readonly PaymentState[];
  /** Every account the items name, by id; absent ones count as unopened. */
  accounts: ReadonlyMap<string, AccountState>;
  /** Whether the caller may pay from an account (its owner, or an admin). */
  mayPayFrom: (account: AccountState) => boolean;
}

export type PaymentBatchItemOutcome =
  { ok: true; events: PaymentEvent[] } | { ok: false; error: DomainError<PaymentRefusalCode> };

/** An account's events from the whole batch, and whether any item checked its funds (a hold, a debit). */
export interface AccountBatchWrites {
  events: AccountEvent[];
  checked: boolean;
}

export type PaymentBatchDecision =
  | {
      ok: true;
      items: PaymentBatchItemOutcome[];
      accounts: Map<string, AccountBatchWrites>;
      recorded: PaymentBatchRecorded;
    }
  | { ok: false; index: number; error: DomainError<PaymentRefusalCode> };

/**
 * Decides the items in order, each on the accounts as the items before it left them: a payer
 * paying three times in one batch is checked against what remains after the first two. The
 * account events are gathered per account, so the batch is one append.
 */
export function decidePaymentBatch(
  { batchId, mode, items }: PaymentBatchCommand,
  states: PaymentBatchStates,
  now: Date,
): PaymentBatchDecision {
  const accounts = new Map(states.accounts);
  const writes = new Map<string, AccountBatchWrites>();
  const outcomes: PaymentBatchItemOutcome[] = [];
  const record = (accountId: string, events: AccountEvent[], checked: boolean) => {
    if (events.length === 0) return;
    const written = writes.get(accountId) ?? { events: [], checked: false };
    writes.set(accountId, { events: [...written.events, ...events], checked: written.checked || checked });
    accounts.set(accountId, events.reduce(evolveAccount, accountOf(accounts, accountId)));
  };
  for (const [index, item] of items.entries()) {
    const payer = accountOf(accounts, item.payerAccountId);
    const decision = decideNewPayment(
      item,
      {
        payment: states.payments[index],
        payer: states.mayPayFrom(payer) ? payer : initialAccountState,
        payee: accountOf(accounts, item.payeeAccountId),
      },
      now,
    );
    if (!decision.ok) {
      if (mode === 'atomic') return { ok: false, index, error: decision.error };
      outcomes.push({ ok: false, error: decision.error });
      continue;
    }
    record(item.payerAccountId, decision.writes.payer, decision.writes.checked.payer);
    record(item.payeeAccountId, decision.writes.payee, decision.writes.checked.payee);
    outcomes.push({ ok: true, events: decision.writes.payment });
  }
  const recorded: PaymentBatchRecorded = {
    type: 'PaymentBatchRecorded',
    data: {
      batchId,
      mode,
      items: items.map((item, index) => {
        const outcome = outcomes[index];
        return { paymentId: item.paymentId, refusal: outcome.ok ? null : outcome.error };
      }),
      at: now.toISOString(),
    },
  };
  return { ok: true, items: outcomes, accounts: writes, recorded };
}

function accountOf(accounts: ReadonlyMap<string, AccountState>, accountId: string): AccountState {
  return accounts.get(accountId) ?? initialAccountState;
}
