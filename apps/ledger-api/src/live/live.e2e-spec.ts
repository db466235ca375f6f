import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from '../../../../test/eventually';
import { startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';
import { openLive, SseStream } from '../../../../test/sse';
import { encodeLiveCursor } from './live-cursor';

type Traffic = ReturnType<typeof ledgerTraffic>;

interface Notice {
  position: string;
  type: string;
  stream: string;
  kind: string;
  id: string;
  accountIds: string[];
  occurredAt: string;
}

describe('GET /api/v1/live (over HTTP)', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
  });
  afterEach(() => streams.splice(0).forEach((stream) => stream.close()));
  afterAll(() => ledger.close());

  /** A stream that answered 200 and said `ready`. */
  async function live(
    key: string,
    resume: { after?: string; lastEventId?: string } = {},
    baseUrl = ledger.baseUrl,
  ): Promise<SseStream> {
    const opening = await openLive(baseUrl, key, resume);
    if (!opening.stream) throw new Error(`live answered ${opening.status}: ${JSON.stringify(opening.body)}`);
    streams.push(opening.stream);
    await opening.stream.waitFor((message) => message.event === 'ready');
    return opening.stream;
  }

  const payOnce = async (payer: TestUser, payerAccountId: string, payeeAccountId: string) => {
    const response = await traffic.pay(payer, { payerAccountId, payeeAccountId, amount: 1 });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };

  it('refuses a wrong key with 401 and a malformed cursor with 400 validation_failed', async () => {
    const customer = await traffic.user('Cursor Tester', 'customer');
    expect(await openLive(ledger.baseUrl, 'lk_not_a_key')).toMatchObject({
      status: 401,
      body: { error: 'unauthorized' },
    });
    const good = encodeLiveCursor({ commit: 1n, prepare: 1n });
    for (const cursor of ['', 'not a cursor', '%%%', `${good}=`, Buffer.from('01-1').toString('base64url'), 'MS0x!']) {
      for (const resume of [{ after: cursor }, { lastEventId: cursor }]) {
        const opening = await openLive(ledger.baseUrl, customer.apiKey, resume);
        expect({ resume, status: opening.status, error: opening.body?.error }).toEqual({
          resume,
          status: 400,
          error: 'validation_failed',
        });
      }
    }
  });

  it('says reset for a cursor ahead of the ledger, and starts at the head without one', async () => {
    const customer = await traffic.user('Reset Tester', 'customer');
    const opening = await openLive(ledger.baseUrl, customer.apiKey, {
      after: encodeLiveCursor({ commit: 2n ** 60n, prepare: 1n }),
    });
    expect(opening.status).toBe(200);
    const reset = await opening.stream!.waitFor((message) => message.event === 'reset');
    expect(JSON.parse(reset.data)).toEqual({ reason: expect.any(String) });
    await opening.stream!.untilEnded();

    const stream = await live(customer.apiKey);
    expect(stream.changes()).toEqual([]);
  });

  it('gives a client that reconnects with its last id every change it missed, exactly once', async () => {
    const customer = await traffic.user('Reconnecting Customer', 'customer');
    const merchant = await traffic.user('Steady Merchant', 'merchant');
    const payer = await traffic.account(customer, 10_000);
    const payee = await traffic.account(merchant);

    // A client that never disconnects says what the reconnecting ones should have seen in the end.
    const steady = await live(customer.apiKey);
    const byHeader = await live(customer.apiKey);
    const byQuery = await live(customer.apiKey);
    const payments: string[] = [];
    const paying = (async () => {
      for (let index = 0; index < 40; index++) payments.push(await payOnce(customer, payer, payee));
    })();

    // Each reconnecting client drops and comes back twice while payments keep being made.
    const reconnect = async (first: SseStream, how: 'lastEventId' | 'after') => {
      const received: Notice[] = [];
      let stream = first;
      for (let round = 0; round < 2; round++) {
        await eventually(async () => stream.changes().length >= 3);
        stream.close();
        received.push(...stream.changes<Notice>());
        await delay(150);
        stream = await live(customer.apiKey, { [how]: received[received.length - 1].position });
      }
      await paying;
      return { received, stream };
    };
    const [header, query] = await Promise.all([reconnect(byHeader, 'lastEventId'), reconnect(byQuery, 'after')]);
    await paying;
    const lastPayment = payments[payments.length - 1];
    const hasAll = (stream: SseStream) =>
      stream.changes<Notice>().some((notice) => notice.id === lastPayment && notice.type === 'PaymentCaptured');
    // Named, so that a stream that never gets there says which one it was and how it stood.
    const lacking = () =>
      Object.entries({ steady, byHeader: header.stream, byQuery: query.stream })
        .filter(([, stream]) => !hasAll(stream))
        .map(([name, stream]) => `${name} (${stream.changes().length} changes, ended: ${stream.ended})`);
    await eventually(async () => lacking().length === 0).catch(() => {
      throw new Error(`the last payment's capture never reached ${lacking().join(', ')}`);
    });
    await delay(300);

    const positions = (notices: Notice[]) => notices.map((notice) => notice.position);
    const expected = positions(steady.changes<Notice>());
    expect(new Set(expected).size).toBe(expected.length);
    for (const { received, stream } of [header, query]) {
      expect(positions([...received, ...stream.changes<Notice>()])).toEqual(expected);
    }
    // Every payment's notices reached it: authorised and captured, on the payment and both accounts.
    for (const payment of payments) {
      const about = steady.changes<Notice>().filter((notice) => notice.id === payment);
      expect(about.map((notice) => notice.type)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
      expect(about[0]).toMatchObject({ kind: 'payment', stream: `payment-${payment}`, accountIds: [payer, payee] });
    }
  });

  it('resumes on another instance of the API from the cursor one instance gave', async () => {
    const customer = await traffic.user('Travelling Customer', 'customer');
    const merchant = await traffic.user('Travelling Merchant', 'merchant');
    const payer = await traffic.account(customer, 1_000);
    const payee = await traffic.account(merchant);
    const other = await startTestLedger(FAST_BANK_ENV, ledger);
    try {
      const first = await live(customer.apiKey);
      const before = await payOnce(customer, payer, payee);
      await first.waitFor((message) => message.event === 'change' && message.data.includes(before));
      first.close();
      const missed = [await payOnce(customer, payer, payee), await payOnce(customer, payer, payee)];
      const resumed = await live(customer.apiKey, { lastEventId: first.lastId() }, other.baseUrl);
      const after = await payOnce(customer, payer, payee);
      await resumed.waitFor(
        (message) => message.event === 'change' && message.data.includes(after) && message.data.includes('Captured'),
      );
      const payments = resumed
        .changes<Notice>()
        .filter((notice) => notice.kind === 'payment')
        .map((notice) => `${notice.id} ${notice.type}`);
      expect(payments).toEqual(
        [...missed, after].flatMap((id) => [`${id} PaymentAuthorized`, `${id} PaymentCaptured`]),
      );
    } finally {
      streams.splice(0).forEach((stream) => stream.close());
      await other.close();
    }
  });

  it("never gives a customer another user's changes, over many concurrent users; an admin sees them all", async () => {
    const merchant = await traffic.user('Busy Merchant', 'merchant');
    const payee = await traffic.account(merchant);
    const customers = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const user = await traffic.user(`Concurrent Customer ${index}`, 'customer');
        return { user, account: await traffic.account(user, 1_000) };
      }),
    );
    const admin = await live(ledger.adminKey);
    const merchantStream = await live(merchant.apiKey);
    const customerStreams = await Promise.all(customers.map(({ user }) => live(user.apiKey)));

    const work = await Promise.all(
      customers.map(async ({ user, account }) => {
        const deposit = await traffic.requestTransfer(user, 'deposit', account, 50);
        expect(deposit.status).toBe(202);
        const payments = [await payOnce(user, account, payee), await payOnce(user, account, payee)];
        return { deposit: deposit.body.id as string, payments };
      }),
    );
    const allPayments = work.flatMap(({ payments }) => payments);
    const sawAll = (stream: SseStream, ids: string[]) => {
      const seen = new Set(stream.changes<Notice>().map((notice) => notice.id));
      return ids.every((id) => seen.has(id));
    };
    await eventually(async () =>
      customerStreams.every((stream, index) => sawAll(stream, [...work[index].payments, work[index].deposit])),
    );
    await eventually(async () => sawAll(admin, allPayments) && sawAll(merchantStream, allPayments));

    customers.forEach(({ account }, index) => {
      const notices = customerStreams[index].changes<Notice>();
      expect(notices.length).toBeGreaterThan(0);
      for (const notice of notices) expect(notice.accountIds).toContain(account);
    });
    for (const notice of merchantStream.changes<Notice>()) expect(notice.accountIds).toContain(payee);
    const adminIds = new Set(admin.changes<Notice>().map((notice) => notice.id));
    for (const { deposit } of work) expect(adminIds.has(deposit)).toBe(true);
    // Admins also see what belongs to no customer: users being created.
    await traffic.user('Seen By Admin Only', 'customer');
    await admin.waitFor((message) => message.event === 'change' && JSON.parse(message.data).kind === 'user');
    for (const stream of customerStreams) {
      expect(stream.changes<Notice>().some((notice) => notice.kind === 'user')).toBe(false);
    }
  });
});
