import { Inject, Injectable } from '@nestjs/common';
import { AppendRequest, AppendResult, EVENT_STORE, EventMetadata, EventStore } from '@ledger/event-store';
import {
  AccountState,
  accountStreamName,
  evolveAccount,
  evolvePayment,
  initialAccountState,
  PaymentEvent,
  PaymentState,
  paymentStreamName,
  settlePayment,
} from '@ledger/ledger-domain';
import { toApiError } from '../http/domain-errors';
import { CLOCK, Clock } from '../shared/clock';
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
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  loadAccounts(payerAccountId: string, payeeAccountId: string): Promise<PaymentAccounts> {
    return Promise.all([
      loadAggregate(this.store, accountStreamName(payerAccountId), evolveAccount, initialAccountState),
      loadAggregate(this.store, accountStreamName(payeeAccountId), evolveAccount, initialAccountState),
    ]).then(([payer, payee]) => ({ payer, payee }));
  }

  async write(...args: Parameters<PaymentWriter['submit']>): Promise<{ state: PaymentState; result: AppendResult }> {
    const { state, committed } = await this.submit(...args);
    return { state, result: await committed };
  }

  /**
   * Decides the money movement and starts the append; the accounts written at an exact revision
   * count it at once (`appendAhead`), so the caller may let the next command on them decide before
   * this one has committed.
   */
  async submit(
    payment: Loaded<PaymentState>,
    events: PaymentEvent[],
    accounts: PaymentAccounts,
    accountIds: { payer: string; payee: string },
    step: string,
    metadata: EventMetadata,
  ): Promise<{ state: PaymentState; committed: Promise<AppendResult> }> {
    const settled = settlePayment(
      payment.state,
      events,
      { payer: accounts.payer.state, payee: accounts.payee.state },
      this.clock.now(),
    );
    if (!settled.ok) {
      await refuseOnlyWhenSettled([accounts.payer, accounts.payee]);
      throw toApiError(settled.error);
    }
    const { settlement } = settled;
    const state = events.reduce(evolvePayment, payment.state);
    const paymentId = state.status === 'none' ? '' : state.paymentId;
    const requests: AppendRequest[] = [
      {
        streamName: paymentStreamName(paymentId),
        expectedRevision: payment.revision,
        events: toEventData(events, eventIdFor(paymentId, step), metadata),
      },
    ];
    const ahead: AppendedAhead[] = [];
    for (const side of ['payer', 'payee'] as const) {
      if (settlement[side].length === 0) continue;
      const streamName = accountStreamName(accountIds[side]);
      requests.push({
        streamName,
        expectedRevision: settlement.checked[side] ? accounts[side].revision : 'any',
        events: toEventData(settlement[side], eventIdFor(paymentId, `${step}:${side}`), metadata),
      });
      if (settlement.checked[side]) {
        ahead.push(appendedAhead(streamName, accounts[side], settlement[side], evolveAccount));
      }
    }
    return { state, committed: appendAhead(this.store, requests, ahead) };
  }
}
