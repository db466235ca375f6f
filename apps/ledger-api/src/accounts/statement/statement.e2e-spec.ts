import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from '../../../../../test/eventually';
import { startTestLedger, TestLedger } from '../../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../../test/ledger-traffic';

type Traffic = ReturnType<typeof ledgerTraffic>;

interface Entry {
  at: string;
  eventId: string;
  type: string;
  referenceId: string;
  direction: string;
  amount: number;
  ledgerAfter: number;
}

interface Statement {
  opening: { ledger: number; held: number };
  closing: { ledger: number; held: number };
  totals: { credits: number; debits: number };
  entries: Entry[];
}

interface ErrorBody {
  error: string;
  details: { field: string }[];
}

interface AuditEvent {
  type: string;
  amount: number | null;
  ledgerAfter: number;
  createdAt: string;
}

describe('account statements', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let customer: TestUser;
  let merchant: TestUser;
  let stranger: TestUser;
  let accountId: string;
  let merchantAccountId: string;
  let from: string;
  let to: string;
  const inPeriod: Record<string, string> = {};

  /** A moment strictly between what was recorded before and what will be recorded after. */
  const boundary = async () => {
    await delay(20);
    const at = new Date().toISOString();
    await delay(20);
    return at;
  };

  const settledTransfer = async (kind: 'deposits' | 'withdrawals', amount: number, account = accountId) => {
    const id = (
      await traffic.api.post(`/api/v1/${kind}`, customer.apiKey, { accountId: account, amount }, traffic.keyed())
    ).body.id as string;
    await eventually(
      async () => (await traffic.api.get(`/api/v1/${kind}/${id}`, customer.apiKey)).body.status === 'succeeded',
    );
    return id;
  };

  const statement = (query: string, key = customer.apiKey, headers: Record<string, string> = {}) =>
    fetch(`${ledger.baseUrl}/api/v1/accounts/${accountId}/statement?${query}`, {
      headers: { authorization: `Bearer ${key}`, ...headers },
    });

  const audit = async (at: string) =>
    (await traffic.api.get(`/api/v1/admin/audit/accounts/${accountId}?at=${encodeURIComponent(at)}`, ledger.adminKey))
      .body as { balance: { ledger: number; held: number }; events: AuditEvent[] };

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Stella', 'customer');
    merchant = await traffic.user('Mart', 'merchant');
    stranger = await traffic.user('Nosy', 'customer');
    accountId = await traffic.account(customer, 1_000);
    merchantAccountId = await traffic.account(merchant, 500);
    // A hold placed before the period and settled inside it: a debit of the period.
    const held = await traffic.pay(customer, {
      payerAccountId: accountId,
      payeeAccountId: merchantAccountId,
      amount: 50,
      captureMethod: 'manual',
    });

    from = await boundary();
    inPeriod.deposit = await settledTransfer('deposits', 500);
    inPeriod.payment = (
      await traffic.pay(customer, { payerAccountId: accountId, payeeAccountId: merchantAccountId, amount: 200 })
    ).body.id;
    inPeriod.capture = (await traffic.paymentAction(merchant, held.body.id, 'capture', { amount: 30 })).body.id;
    inPeriod.refund = (await traffic.paymentAction(merchant, inPeriod.payment, 'refunds', { amount: 40 })).body.id;
    inPeriod.withdrawal = await settledTransfer('withdrawals', 100);
    to = await boundary();

    await settledTransfer('deposits', 70);
  });
  afterAll(() => ledger.close());

  it('opens and closes on the point-in-time balances at its ends and lists exactly the movements between', async () => {
    const response = await statement(`from=${from}&to=${to}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Statement;
    const [atFrom, atTo] = [await audit(from), await audit(to)];

    expect(body).toMatchObject({ accountId, currency: 'EUR', from, to });
    expect(body.opening).toEqual({ ledger: 1_000, held: 50 });
    expect(body.opening).toEqual({ ledger: atFrom.balance.ledger, held: atFrom.balance.held });
    expect(body.closing).toEqual({ ledger: atTo.balance.ledger, held: atTo.balance.held });
    expect(body.closing).toEqual({ ledger: 1_000 + 500 - 200 - 30 + 40 - 100, held: 0 });
    expect(body.totals).toEqual({ credits: 540, debits: 330 });

    expect(
      body.entries.map((entry: { type: string; referenceId: string; direction: string; amount: number }) => [
        entry.type,
        entry.referenceId,
        entry.direction,
        entry.amount,
      ]),
    ).toEqual([
      ['deposit', inPeriod.deposit, 'credit', 500],
      ['payment', inPeriod.payment, 'debit', 200],
      ['payment', inPeriod.capture, 'debit', 30],
      ['refund', inPeriod.refund, 'credit', 40],
      ['withdrawal', inPeriod.withdrawal, 'debit', 100],
    ]);
    // The audit's own replay: the movements recorded in the period, with the same running balances.
    const moved = atTo.events.filter(
      (event) => event.createdAt > from && ['FundsCredited', 'FundsDebited', 'HoldSettled'].includes(event.type),
    );
    expect(body.entries.map((entry: { ledgerAfter: number }) => entry.ledgerAfter)).toEqual(
      moved.map((event) => event.ledgerAfter),
    );
    expect(body.entries.map((entry: { at: string }) => entry.at)).toEqual(moved.map((event) => event.createdAt));
  });

  it('says the same as CSV, streamed as a download', async () => {
    const json = (await (await statement(`from=${from}&to=${to}`)).json()) as Statement;
    const response = await statement(`from=${from}&to=${to}`, customer.apiKey, { accept: 'text/csv' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="statement-.+\.csv"$/);
    const [header, ...lines] = (await response.text()).trimEnd().split('\r\n');
    expect(header).toBe('record,at,eventId,type,referenceId,direction,amount,ledgerAfter,held');
    const rows = lines.map((line) => line.split(','));

    expect(rows[0]).toEqual(['opening', from, '', '', '', '', '', `${json.opening.ledger}`, `${json.opening.held}`]);
    const entries = rows.filter((row) => row[0] === 'entry');
    expect(entries).toEqual(
      json.entries.map((entry: Entry) =>
        [
          'entry',
          entry.at,
          entry.eventId,
          entry.type,
          entry.referenceId,
          entry.direction,
          entry.amount,
          entry.ledgerAfter,
          '',
        ].map(String),
      ),
    );
    expect(rows.slice(-3)).toEqual([
      ['total', to, '', '', '', 'credit', `${json.totals.credits}`, '', ''],
      ['total', to, '', '', '', 'debit', `${json.totals.debits}`, '', ''],
      ['closing', to, '', '', '', '', '', `${json.closing.ledger}`, `${json.closing.held}`],
    ]);
    expect(rows).toHaveLength(entries.length + 4);
  });

  it('is for the owner and admins only; others get 404 as for any account', async () => {
    expect((await statement(`from=${from}&to=${to}`, ledger.adminKey)).status).toBe(200);
    const refused = await statement(`from=${from}&to=${to}`, stranger.apiKey);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as ErrorBody).error).toBe('not_found');
  });

  it('refuses a missing, malformed or empty period with validation_failed naming the field', async () => {
    const cases: [string, string][] = [
      [`to=${to}`, 'from'],
      [`from=${from}&to=yesterday`, 'to'],
      [`from=${to}&to=${from}`, 'to'],
      [`from=${from}&to=${from}`, 'to'],
    ];
    for (const [query, field] of cases) {
      const response = await statement(query);
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error).toBe('validation_failed');
      expect(body.details.map((problem) => problem.field)).toContain(field);
    }
  });

  it('agrees on the other side of the same payments', async () => {
    const response = await fetch(
      `${ledger.baseUrl}/api/v1/accounts/${merchantAccountId}/statement?from=${from}&to=${to}`,
      { headers: { authorization: `Bearer ${merchant.apiKey}` } },
    );
    const body = (await response.json()) as Statement;
    expect(body.totals).toEqual({ credits: 230, debits: 40 });
    expect(body.closing.ledger).toBe(body.opening.ledger + 230 - 40);
  });
});
