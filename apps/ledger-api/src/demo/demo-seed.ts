import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppendRequest, EVENT_STORE, EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import {
  AccountEvent,
  accountStreamName,
  Currency,
  Role,
  TransferEvent,
  transferStreamName,
} from '@ledger/ledger-domain';
import { hashApiKey } from '../auth/api-key';
import { newUserAppends } from '../users';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { CLOCK, Clock } from '../shared/clock';
import { eventIdFor } from '../shared/command-context';
import { deterministicUuid } from '../shared/deterministic-id';
import { toEventData } from '@ledger/event-sourcing';

export interface DemoUser {
  name: string;
  role: Role;
  /** Public on purpose: listed in CREDENTIALS.md. Seeded only with LEDGER_SEED_DEMO=true. */
  apiKey: string;
  accounts: { currency: Currency; funds: number }[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    name: 'Alice (demo customer)',
    role: 'customer',
    apiKey: 'lk_demo_alice_customer_key_0001',
    accounts: [
      { currency: 'EUR', funds: 100_000 },
      { currency: 'USD', funds: 50_000 },
    ],
  },
  {
    name: 'Bob (demo customer)',
    role: 'customer',
    apiKey: 'lk_demo_bob_customer_key_00002',
    accounts: [{ currency: 'EUR', funds: 25_000 }],
  },
  {
    name: 'Corner Shop (demo merchant)',
    role: 'merchant',
    apiKey: 'lk_demo_shop_merchant_key_0003',
    accounts: [{ currency: 'EUR', funds: 0 }],
  },
  { name: 'Dana (demo admin)', role: 'admin', apiKey: 'lk_demo_dana_admin_key_0000004', accounts: [] },
];

/**
 * With LEDGER_SEED_DEMO=true, an empty ledger gets the demo users of CREDENTIALS.md, with accounts
 * funded by deposits recorded as confirmed by the bank. Ids are derived from the names, so a
 * second start (or a second instance) adds nothing.
 */
@Injectable()
export class DemoSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    const requests = DEMO_USERS.flatMap((user) => seedRequests(user, this.clock.now()));
    // Appending the same events again writes nothing and reports no conflict: look first, so that
    // "seeded" is said only when something was written.
    if ((await this.store.readStream(requests[0].streamName, { maxCount: 1 })).length > 0) return;
    try {
      await this.store.append(requests);
      this.logger.log('Seeded the demo users and accounts of CREDENTIALS.md');
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error; // another instance seeded first
    }
  }
}

/**
 * The appends that create a user with its API key and funded accounts (funds recorded as bank
 * deposits that succeeded). Ids derive from the user's name: seeding twice conflicts, never doubles.
 */
export function seedRequests(user: DemoUser, now: Date): AppendRequest[] {
  const at = now.toISOString();
  const userId = deterministicUuid('demo-user', user.name);
  const newUser = { userId, name: user.name, role: user.role, keyHash: hashApiKey(user.apiKey) };
  const requests = newUserAppends(newUser, now, {});
  for (const { currency, funds } of user.accounts) {
    const accountId = deterministicUuid('demo-account', user.name, currency);
    const accountEvents: AccountEvent[] = [
      { type: 'AccountOpened', data: { accountId, userId, currency, openedAt: at } },
    ];
    if (funds > 0) {
      const depositId = deterministicUuid('demo-deposit', accountId);
      const amount = String(funds);
      const depositEvents: TransferEvent[] = [
        {
          type: 'TransferRequested',
          data: { transferId: depositId, kind: 'deposit', accountId, userId, amount, currency, at },
        },
        {
          type: 'BankCallbackReceived',
          data: {
            transferId: depositId,
            eventId: `demo-${depositId}`,
            callbackType: 'succeeded',
            failureReason: null,
            outcome: 'APPLY',
            at,
          },
        },
        { type: 'TransferSucceeded', data: { transferId: depositId, at } },
      ];
      accountEvents.push({
        type: 'FundsCredited',
        data: { accountId, amount, reference: { type: 'deposit', id: depositId }, at },
      });
      requests.push({
        streamName: transferStreamName('deposit', depositId),
        expectedRevision: 'no_stream',
        events: toEventData(depositEvents, eventIdFor(depositId, 'demo'), {}),
      });
    }
    requests.push({
      streamName: accountStreamName(accountId),
      expectedRevision: 'no_stream',
      events: toEventData(accountEvents, eventIdFor(accountId, 'demo'), {}),
    });
  }
  return requests;
}
