import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { PostgresEventStore } from '@ledger/event-store/postgres';
import { accountStreamName, evolveAccount, initialAccountState } from '@ledger/ledger-domain';
import { systemClock } from '../shared/clock';
import { accountStream } from '../shared/streams';
import { apiClient, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { EventSourcing } from '@ledger/event-sourcing';
import { snapshotSource } from './snapshots.module';

describe('account snapshots', () => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await startTestLedger({ LEDGER_SEED_DEMO: 'true' });
  });
  afterAll(() => ledger.close());

  it('load a busy account from its snapshot and the events after it, to the same state as a full replay', async () => {
    const api = apiClient(ledger.baseUrl);
    const alice = 'lk_demo_alice_customer_key_0001';
    const bob = 'lk_demo_bob_customer_key_00002';
    const accounts = async (key: string) => {
      for (;;) {
        const body = (await api.get('/api/v1/accounts', key)).body;
        const eur = body.data?.find((account: { currency: string }) => account.currency === 'EUR');
        if (eur) return eur.id as string;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const [payer, payee] = [await accounts(alice), await accounts(bob)];
    let position = '';
    for (let index = 0; index < 150; index++) {
      const response = await api.post(
        '/api/v1/payments',
        alice,
        { payerAccountId: payer, payeeAccountId: payee, amount: 1 },
        { 'Idempotency-Key': randomUUID() },
      );
      expect(response.status).toBe(201);
      position = response.headers.get('x-ledger-position')!;
    }
    await api.get('/api/v1/users/me', alice, { 'X-Min-Position': position }); // every projection caught up

    // A process that has never loaded the account: a fresh store (empty cache) over the same database.
    const fresh = new PostgresEventStore(ledger.database.pool, ledger.database.url);
    const eventSourcing = new EventSourcing(fresh, {
      cachedStreams: 10,
      snapshots: snapshotSource(ledger.database.pool),
      clock: systemClock,
    });
    const read = jest.spyOn(fresh, 'readStream');
    const fromSnapshot = await eventSourcing.load(accountStream(payer));
    const eventsRead = (await Promise.all(read.mock.results.map((result) => result.value))).flat().length;
    expect(eventsRead).toBe(0);

    const store = ledger.app.get<EventStore>(EVENT_STORE);
    const replayed = (await store.readStream(accountStreamName(payer))).reduce(
      (state, event) => evolveAccount(state, { type: event.type, data: event.data } as never),
      initialAccountState,
    );
    expect(fromSnapshot.state).toEqual(replayed);
    expect(fromSnapshot.revision).toBe(150n + 1n); // opened, credited, 150 debits
    await fresh.close();
  });
});
