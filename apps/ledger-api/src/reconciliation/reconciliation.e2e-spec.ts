import { randomUUID } from 'node:crypto';
import { BankSimulator, StatementDistortion } from '@ledger/bank-simulator';
import { eventually } from '../../../../test/eventually';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../../../../test/ledger-traffic';
import { BankSimulatorHost } from '../transfers/bank/bank-simulator.host';

type Traffic = ReturnType<typeof ledgerTraffic>;

interface ExceptionView {
  id: string;
  kind: string;
  transferId: string;
  bankAmount: number | null;
  ledgerAmount: number | null;
  status: string;
  resolution: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

interface Run {
  id: string;
  lines: number;
  summary: { matched: number; exceptions: number; openExceptions: number };
  matched: { transferId: string; bankReference: string }[];
  exceptions: ExceptionView[];
}

describe('reconciliation with the bank', () => {
  let ledger: TestLedger;
  let traffic: Traffic;
  let customer: TestUser;
  let bank: BankSimulator;
  let bankUrl: string;
  const today = new Date().toISOString().slice(0, 10);
  const transfers: Record<'funding' | 'deposit' | 'withdrawal', string> = { funding: '', deposit: '', withdrawal: '' };

  const upload = async (csv: string, key = ledger.adminKey, contentType = 'text/csv') => {
    const response = await fetch(`${ledger.baseUrl}/api/v1/admin/reconciliations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body: csv,
    });
    return { status: response.status, body: (await response.json()) as Run & { error?: string; details?: unknown } };
  };

  const settled = async (kind: 'deposits' | 'withdrawals', accountId: string, amount: number) => {
    const id = (await traffic.api.post(`/api/v1/${kind}`, customer.apiKey, { accountId, amount }, traffic.keyed())).body
      .id as string;
    await eventually(
      async () =>
        (await traffic.api.get(`/api/v1/${kind}/${id}`, customer.apiKey, await caughtUpHeaders(ledger))).body.status ===
        'succeeded',
    );
    return id;
  };

  const statement = (distortion?: StatementDistortion) => bank.statementCsv(today, distortion);

  beforeAll(async () => {
    ledger = await startTestLedger(FAST_BANK_ENV);
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Rita', 'customer');
    const host = ledger.app.get(BankSimulatorHost);
    bank = host.simulator!;
    bankUrl = host.bankUrl();
    const accountId = (await traffic.api.post('/api/v1/accounts', customer.apiKey, { currency: 'EUR' })).body
      .id as string;
    transfers.funding = await settled('deposits', accountId, 1_000);
    transfers.deposit = await settled('deposits', accountId, 250);
    transfers.withdrawal = await settled('withdrawals', accountId, 400);
  });
  afterAll(() => ledger.close());

  it('serves the bank’s statement over its HTTP API: what it executed that day, deposits as credits', async () => {
    const response = await fetch(`${bankUrl}/statements/${today}.csv`);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await response.text();
    expect(csv).toBe(statement());
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    expect(header).toBe('bank_reference,transfer_id,amount,currency,direction,value_date');
    expect(lines.map((line) => line.split(',').slice(1))).toEqual(
      expect.arrayContaining([
        [transfers.funding, '1000', 'EUR', 'credit', today],
        [transfers.deposit, '250', 'EUR', 'credit', today],
        [transfers.withdrawal, '400', 'EUR', 'debit', today],
      ]),
    );
    expect(lines).toHaveLength(3);

    const distorted = await fetch(
      `${bankUrl}/statements/${today}.csv?omit=${transfers.deposit}&amount=${transfers.withdrawal}:401`,
    );
    expect(await distorted.text()).toBe(
      statement({ omit: [transfers.deposit], amounts: { [transfers.withdrawal]: 401 } }),
    );
    expect((await fetch(`${bankUrl}/statements/${today}.csv?amount=nope`)).status).toBe(400);
  });

  it('matches every line of a statement that agrees, and answers the same file again with that run', async () => {
    const first = await upload(statement());
    expect(first.status).toBe(201);
    expect(first.body.summary).toEqual({ matched: 3, exceptions: 0, openExceptions: 0 });
    expect(first.body.matched.map((line) => line.transferId).sort()).toEqual(Object.values(transfers).sort());
    expect(first.body.exceptions).toEqual([]);

    const again = await upload(statement());
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Two uploads of one new file at once: one run, recorded once.
    const pair = await Promise.all([0, 1].map(() => upload(statement({ omit: [transfers.funding] }))));
    expect(pair.map((response) => response.status).sort()).toEqual([200, 201]);
    expect(pair[0].body).toEqual(pair[1].body);
    const list = await traffic.api.get('/api/v1/admin/reconciliations', ledger.adminKey, await caughtUpHeaders(ledger));
    expect(list.body.data.filter((run: Run) => run.id === first.body.id)).toHaveLength(1);
    const stream = await traffic.api.get(`/api/v1/admin/streams/reconciliation-${first.body.id}`, ledger.adminKey);
    expect(stream.body.events.map((event: { type: string }) => event.type)).toEqual(['ReconciliationRecorded']);
  });

  it.each<[string, () => StatementDistortion, string, () => string]>([
    ['a missing line', () => ({ omit: [transfers.deposit] }), 'missing_in_bank', () => transfers.deposit],
    [
      'an extra line',
      () => ({
        extra: [
          {
            bankReference: 'BNK-EXTRA',
            transferId: extraTransferId,
            amount: 75,
            currency: 'EUR',
            direction: 'credit',
            valueDate: today,
          },
        ],
      }),
      'missing_in_ledger',
      () => extraTransferId,
    ],
    [
      'a different amount',
      () => ({ amounts: { [transfers.withdrawal]: 401 } }),
      'amount_mismatch',
      () => transfers.withdrawal,
    ],
  ])('finds %s as exactly one exception of its kind', async (_, distortion, kind, transferId) => {
    const run = await upload(statement(distortion()));
    expect(run.status).toBe(201);
    expect(run.body.exceptions).toHaveLength(1);
    expect(run.body.exceptions[0]).toMatchObject({ kind, transferId: transferId(), status: 'open' });
    expect(run.body.summary.matched).toBe(kind === 'missing_in_ledger' ? 3 : 2);
  });

  it('records the resolution of an exception: who, when, how and why', async () => {
    const run = (await upload(statement({ amounts: { [transfers.deposit]: 260 } }))).body;
    const [exception] = run.exceptions;
    expect(exception).toMatchObject({ kind: 'amount_mismatch', bankAmount: 260, ledgerAmount: 250 });
    const path = `/api/v1/admin/reconciliations/${run.id}/exceptions/${exception.id}/resolve`;
    const body = { resolution: 'corrected_at_bank', note: 'the bank reissued its statement' };

    const resolved = await traffic.api.post(path, ledger.adminKey, body);
    expect(resolved.status).toBe(200);
    const admin = (await traffic.api.get('/api/v1/users/me', ledger.adminKey)).body as { id: string };
    expect(resolved.body).toMatchObject({ id: exception.id, status: 'resolved', ...body, resolvedBy: admin.id });
    expect(Date.parse(resolved.body.resolvedAt as string)).not.toBeNaN();
    expect(resolved.headers.get('x-ledger-position')).toEqual(expect.any(String));

    const again = await traffic.api.post(path, ledger.adminKey, body);
    expect([again.status, again.body.error]).toEqual([409, 'exception_not_open']);
    const detail = await traffic.api.get(`/api/v1/admin/reconciliations/${run.id}`, ledger.adminKey);
    expect(detail.body.summary).toEqual({ matched: 2, exceptions: 1, openExceptions: 0 });
    expect(detail.body.exceptions[0]).toEqual(resolved.body);
    const stream = await traffic.api.get(`/api/v1/admin/streams/reconciliation-${run.id}`, ledger.adminKey);
    expect(stream.body.events[1]).toMatchObject({
      type: 'ReconciliationExceptionResolved',
      data: { exceptionId: exception.id, ...body, resolvedBy: admin.id },
    });
    const list = await traffic.api.get('/api/v1/admin/reconciliations', ledger.adminKey, await caughtUpHeaders(ledger));
    expect(list.body.data.find((item: Run) => item.id === run.id).summary.openExceptions).toBe(0);

    // The run list is a projection like the others: rebuilt from the events, it is the same.
    const rebuild = await traffic.api.post('/api/v1/admin/projections/reconciliations/rebuild', ledger.adminKey);
    expect(rebuild.status).toBe(202);
    const done = await eventually(async () => {
      const progress = await traffic.api.get('/api/v1/admin/projections/reconciliations/rebuild', ledger.adminKey);
      return progress.body.status === 'running' ? undefined : progress.body;
    });
    expect(done).toMatchObject({ status: 'done', differences: { rm_reconciliations: 0 } });
  });

  it('is for admins only: 403 for anyone else', async () => {
    const run = (await upload(statement())).body;
    expect((await upload(statement(), customer.apiKey)).status).toBe(403);
    expect((await traffic.api.get('/api/v1/admin/reconciliations', customer.apiKey)).status).toBe(403);
    expect((await traffic.api.get(`/api/v1/admin/reconciliations/${run.id}`, customer.apiKey)).status).toBe(403);
    const resolve = await traffic.api.post(
      `/api/v1/admin/reconciliations/${run.id}/exceptions/${randomUUID()}/resolve`,
      customer.apiKey,
      { resolution: 'accepted', note: 'mine' },
    );
    expect(resolve.status).toBe(403);
  });

  it('refuses a bad statement with 400 validation_failed naming the line, and anything but CSV with 415', async () => {
    const good = statement().trimEnd().split('\r\n');
    const badAmount = [...good.slice(0, 2), good[2].replace(/,(\d+),EUR,/, ',12.50,EUR,'), ...good.slice(3)].join('\n');
    const refused = await upload(badAmount);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'line 3', problems: ['amount must be a positive integer in minor units'] }],
    });
    const badHeader = await upload(['transfer,amount', ...good.slice(1)].join('\n'));
    expect([badHeader.status, badHeader.body.details]).toEqual([400, [expect.objectContaining({ field: 'line 1' })]]);
    const shortLine = await upload([...good, 'BNK-1,not-enough'].join('\n'));
    expect(shortLine.body.details).toEqual([expect.objectContaining({ field: `line ${good.length + 1}` })]);
    const json = await upload(JSON.stringify({ csv: statement() }), ledger.adminKey, 'application/json');
    expect([json.status, json.body.error]).toEqual([415, 'unsupported_media_type']);
    const empty = await upload('', ledger.adminKey);
    expect(empty.status).toBe(400);
    const blankLinesAtTheEnd = await upload(`${statement()}\r\n\r\n \n`);
    expect([blankLinesAtTheEnd.status, blankLinesAtTheEnd.body.summary?.matched]).toEqual([201, 3]);
  });

  it('describes the routes in the OpenAPI document: CSV in for the upload, CSV out for statements', async () => {
    const document = (await (await fetch(`${ledger.baseUrl}/docs-json`)).json()) as any;
    const upload = document.paths['/api/v1/admin/reconciliations'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['text/csv']);
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['200', '201', '400']));
    expect(document.paths).toHaveProperty(['/api/v1/admin/reconciliations/{reconciliationId}']);
    expect(document.paths).toHaveProperty([
      '/api/v1/admin/reconciliations/{reconciliationId}/exceptions/{exceptionId}/resolve',
    ]);
    const statement = document.paths['/api/v1/accounts/{accountId}/statement'].get;
    expect(Object.keys(statement.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(statement.description).toContain('ledger balance (settled money)');
    expect(document.components.schemas).toHaveProperty('ReconciliationResponse');
    expect(document.components.schemas).toHaveProperty('StatementResponse');
  });
});

const extraTransferId = randomUUID();
