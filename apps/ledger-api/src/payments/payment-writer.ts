import { Inject, Injectable } from '@nestjs/common';
import { AppendRequest, AppendResult, EVENT_STORE, EventMetadata, EventStore } from '@ledger/event-store';
import {
  AccountState,
  accountStreamName,
  DomainRefusal,
  evolveAccount,
  evolvePayment,
  initialAccountState,
  PaymentDecision,
  PaymentState,
  paymentStreamName,
  PaymentWrites,
} from '@ledger/ledger-domain';
import { eventIdFor } from '../shared/command-context';
import {
  appendAhead,
  AppendedAhead,
  appendedAhead,
  Loaded,
  loadAggregate,
  refuseOnlyWhenSettled,
  toEventData,
} from '../shared/event-sourcing';

export interface PaymentAccounts {
  payer: Loaded<AccountState>;
  payee: Loaded<AccountState>;
}

/**
 * Writes a payment's events together with the money they move, in one atomic append: the payment
 * at its revision, and each account at the exact revision its funds were checked on when the
 * movement lowers `available` (a hold, a debit), else with no check (a credit, a release).
 */
@Injectable()
export class PaymentWriter {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  loadAccounts(payerAccountId: string, payeeAccountId: string): Promise<PaymentAccounts> {
    return Promise.all([
      loadAggregate(this.store, accountStreamName(payerAccountId), evolveAccount, initialAccountState),
      loadAggregate(this.store, accountStreamName(payeeAccountId), evolveAccount, initialAccountState),
    ]).then(([payer, payee]) => ({ payer, payee }));
  }

  async write(...args: Parameters<PaymentWriter['submit']>): Promise<{ state: PaymentState; result: AppendResult }> {
    const { state, committed } = this.submit(...args);
    return { state, result: await committed };
  }

  /**
   * Answers a refused decision: first writes what it records anyway (the expiry of a capture that
   * came too late). A refusal decided on accounts that count appends still in flight is decided
   * again once they have settled (`refuseOnlyWhenSettled`).
   */
  async refuse(
    refused: Extract<PaymentDecision, { ok: false }>,
    payment: Loaded<PaymentState>,
    accounts: PaymentAccounts,
    accountIds: { payer: string; payee: string },
    metadata: EventMetadata,
  ): Promise<never> {
    if (refused.expiry) await this.write(payment, refused.expiry, accounts, accountIds, 'expire', metadata);
    else await refuseOnlyWhenSettled([accounts.payer, accounts.payee]);
    throw new DomainRefusal(refused.error);
  }

  /**
   * Starts the append of what a decision writes; the accounts written at an exact revision count
   * it at once (`appendAhead`), so the caller may let the next command on them decide before this
   * one has committed.
   */
  submit(
    payment: Loaded<PaymentState>,
    writes: PaymentWrites,
    accounts: PaymentAccounts,
    accountIds: { payer: string; payee: string },
    step: string,
    metadata: EventMetadata,
  ): { state: PaymentState; committed: Promise<AppendResult> } {
    const state = writes.payment.reduce(evolvePayment, payment.state);
    const paymentId = state.status === 'none' ? '' : state.paymentId;
    const requests: AppendRequest[] = [
      {
        streamName: paymentStreamName(paymentId),
        expectedRevision: payment.revision,
        events: toEventData(writes.payment, eventIdFor(paymentId, step), metadata),
      },
    ];
    const ahead: AppendedAhead[] = [];
    for (const side of ['payer', 'payee'] as const) {
      if (writes[side].length === 0) continue;
      const streamName = accountStreamName(accountIds[side]);
      requests.push({
        streamName,
        expectedRevision: writes.checked[side] ? accounts[side].revision : 'any',
        events: toEventData(writes[side], eventIdFor(paymentId, `${step}:${side}`), metadata),
      });
      if (writes.checked[side]) {
        ahead.push(appendedAhead(streamName, accounts[side], writes[side], evolveAccount));
      }
    }
    return { state, committed: appendAhead(this.store, requests, ahead) };
  }
}
