import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { BankSimulator } from '@ledger/bank-simulator';
import { eventually } from '../../../test/eventually';
import { startTestLedger, TestLedger } from '../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../test/ledger-traffic';

/** The bank refuses withdrawals of this amount outright: they are parked. */
const REFUSED_AMOUNT = 13;

const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** The CLI as users run it (`npm run ledger -- …` runs this same file after a build). */
describe('the admin CLI against a running ledger', () => {
  let ledger: TestLedger;
  let bank: BankSimulator;
  let traffic: ReturnType<typeof ledgerTraffic>;
  let customer: { id: string; apiKey: string };
  let accountId: string;

  beforeAll(async () => {
    await run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    bank = new BankSimulator({
      webhookUrl: () => `${ledger.baseUrl}/webhooks/bank-callback`,
      webhookSecret: FAST_BANK_ENV.BANK_WEBHOOK_SECRET,
      successRate: 1,
      minDelayMs: 10,
      maxDelayMs: 50,
      refuses: (transfer) => transfer.amount === REFUSED_AMOUNT,
    });
    ledger = await startTestLedger({ ...FAST_BANK_ENV, BANK_URL: await bank.listen() });
    traffic = ledgerTraffic(ledger);
    customer = await traffic.user('Wes', 'customer');
    accountId = await traffic.account(customer, 900);
  });
  afterAll(async () => {
    await ledger.close();
    await bank.close();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, LEDGER_URL: ledger.baseUrl, LEDGER_ADMIN_API_KEY: ledger.adminKey };
    return run('node', [join(ROOT, 'dist/apps/ledger-cli/src/main.js'), ...args], { env, cwd: ROOT }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  it('lists projections, reads streams and audits an account, as text or --json', async () => {
    const listed = await cli('projections:list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((projection: { name: string }) => projection.name)).toContain('accounts');
    expect((await cli('projections:list')).stdout).toMatch(/^name\s+position\s+lag\s+status/);

    const stream = JSON.parse((await cli('streams:read', `account-${accountId}`, '--json')).stdout);
    expect(stream.events.map((event: { type: string }) => event.type)).toEqual(['AccountOpened', 'FundsCredited']);

    const audited = await cli('audit:account', accountId, '--at', new Date().toISOString(), '--json');
    expect(JSON.parse(audited.stdout)).toMatchObject({ balance: { ledger: 900 }, consistent: true });
    expect((await cli('audit:account', accountId)).stdout).toContain('read model agrees');
  });

  it('exits 0 on a clean ledger and non-zero naming the account when a read model was corrupted', async () => {
    const clean = await cli('audit:verify');
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toContain('0 discrepancies');

    await ledger.database.pool.query('UPDATE rm_accounts SET ledger = ledger - 5 WHERE id = $1', [accountId]);
    try {
      const corrupted = await cli('audit:verify', '--json');
      expect(corrupted.code).toBe(1);
      expect(JSON.parse(corrupted.stdout).discrepancies).toEqual([
        { accountId, field: 'ledger', expected: 900, found: 895 },
      ]);
      expect((await cli('audit:verify')).stdout).toMatch(new RegExp(`${accountId}\\s+ledger\\s+900\\s+895`));
    } finally {
      await ledger.database.pool.query('UPDATE rm_accounts SET ledger = ledger + 5 WHERE id = $1', [accountId]);
    }
  });

  it('exports a checkpoint and proves the history against it; a changed event fails the proof', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ledger-cli-')), 'checkpoint.json');
    let exported = await cli('audit:checkpoint', file);
    for (let tries = 0; exported.code !== 0 && tries < 50; tries++) {
      await delay(100);
      exported = await cli('audit:checkpoint', file);
    }
    expect(exported.stdout).toContain(`written to ${file}`);
    const proven = await cli('audit:prove', file);
    expect(proven).toMatchObject({ code: 0, stdout: expect.stringContaining('proven: the history up to checkpoint') });

    const owner = new Client({ connectionString: ledger.database.migrationUrl });
    await owner.connect();
    const changed = `UPDATE es_events SET data = jsonb_set(data, '{amount}', $2::jsonb) WHERE stream_name = $1 AND stream_revision = 1`;
    try {
      await owner.query(changed, [`account-${accountId}`, '"999999"']);
      const refused = await cli('audit:prove', file);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('NOT proven: 1 broken links');
      expect(refused.stdout).toMatch(new RegExp(`edited\\s+account-${accountId}\\s+1`));
    } finally {
      await owner.query(changed, [`account-${accountId}`, '"900"']);
      await owner.end();
    }
    expect((await cli('audit:prove', file)).code).toBe(0);
  });

  it('rebuilds a projection and waits for it, and says so when it cannot', async () => {
    const rebuilt = await cli('projections:rebuild', 'accounts', '--json');
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ status: 'done', differences: { rm_accounts: 0 } });

    const unknown = await cli('projections:rebuild', 'nothing');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('404 not_found');
    const withoutKey = await run('node', [join(ROOT, 'dist/apps/ledger-cli/src/main.js'), 'audit:verify'], {
      env: { ...process.env, LEDGER_ADMIN_API_KEY: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(withoutKey).toMatchObject({ code: 2, stderr: expect.stringContaining('LEDGER_ADMIN_API_KEY') });
  });

  it('exits 2 on a usage error, as the program ledger, and names the field a request got wrong', async () => {
    for (const args of [['no-such-command'], ['audit:verify', '--jsn'], ['audit:account'], []]) {
      const refused = await cli(...args);
      expect(refused).toMatchObject({ code: 2, stdout: '' });
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await cli('--help')).stdout).toMatch(/^Usage: ledger \[options\] \[command\]/);
    expect((await cli('audit:account', '--help')).stdout).toMatch(/^Usage: ledger audit:account/);
    const badStream = await cli('streams:read', 'nostream');
    expect(badStream).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('streamName: streamName must look like'),
    });
  });

  it('lists the bank work and retries or cancels a parked transfer', async () => {
    const parked = async () => {
      const response = await traffic.requestTransfer(customer, 'withdrawal', accountId, REFUSED_AMOUNT);
      const id = response.body.id as string;
      await eventually(
        async () => (await traffic.api.get(`/api/v1/withdrawals/${id}`, customer.apiKey)).body.status === 'parked',
      );
      return id;
    };
    const first = await parked();
    const listed = await cli('transfers:list', '--status', 'parked', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: first, status: 'parked' })]);
    expect((await cli('transfers:list')).stdout).toMatch(new RegExp(`${first}\\s+withdrawal\\s+13 EUR\\s+parked`));

    expect((await cli('transfers:cancel', first)).code).toBe(2);
    const cancelled = await cli('transfers:cancel', first, '--reason', 'closed at the bank');
    expect(cancelled).toMatchObject({ code: 0, stdout: expect.stringContaining('failed (closed at the bank)') });
    const again = await cli('transfers:retry', first);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('409 invalid_transfer_state');

    const second = await parked();
    const retried = await cli('transfers:retry', second, '--json');
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id: second, status: 'pending' });

    const review = await cli(
      'reviews:resolve',
      '00000000-0000-4000-8000-000000000000',
      '--decision',
      'keep_ledger',
      '--note',
      'x',
    );
    expect(review.code).toBe(2);
    expect(review.stderr).toContain('404 not_found');
  });

  it('reconciles a bank statement file: exit 0 when it agrees, 1 with its open exceptions listed', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const dir = await mkdtemp(join(tmpdir(), 'bank-statement-'));
    const agreeing = join(dir, 'agreeing.csv');
    await writeFile(agreeing, bank.statementCsv(today));
    const clean = await cli('reconcile', agreeing);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/: (\d+) lines, \1 matched, 0 exceptions \(0 open\)/);

    const extraTransferId = randomUUID();
    const disagreeing = join(dir, 'extra-line.csv');
    await writeFile(
      disagreeing,
      bank.statementCsv(today, {
        extra: [
          {
            bankReference: 'BNK-X',
            transferId: extraTransferId,
            amount: 5,
            currency: 'EUR',
            direction: 'credit',
            valueDate: today,
          },
        ],
      }),
    );
    const flagged = await cli('reconcile', disagreeing, '--json');
    expect(flagged.code).toBe(1);
    expect(JSON.parse(flagged.stdout).exceptions).toEqual([
      expect.objectContaining({
        kind: 'missing_in_ledger',
        transferId: extraTransferId,
        bankAmount: 5,
        status: 'open',
      }),
    ]);
    expect((await cli('reconcile', join(dir, 'no-such-file.csv'))).code).toBe(2);
  });

  it('shows the work: consumers, the bank work with what is parked, and the series', async () => {
    const response = await traffic.requestTransfer(customer, 'withdrawal', accountId, REFUSED_AMOUNT);
    const parked = response.body.id as string;
    await eventually(
      async () => (await traffic.api.get(`/api/v1/withdrawals/${parked}`, customer.apiKey)).body.status === 'parked',
    );
    const work = await cli('work', '--json');
    expect(work.code).toBe(0);
    const shown = JSON.parse(work.stdout);
    expect(Object.keys(shown).sort()).toEqual(['at', 'bank', 'consumers', 'series']);
    expect(shown.consumers.map((consumer: { name: string }) => consumer.name)).toContain('accounts');
    expect(shown.bank.parked).toEqual(
      expect.arrayContaining([
        {
          transferId: parked,
          kind: 'withdrawal',
          reason: expect.any(String),
          attempts: 1,
          parkedAt: expect.any(String),
        },
      ]),
    );
    const text = (await cli('work')).stdout;
    expect(text).toMatch(/^Consumers\nname\s+kind\s+status\s+leader\s+lag\s+events\/s/m);
    expect(text).toMatch(
      /^Bank: circuit closed, \d+ waiting to be sent, \d+ awaiting the bank, \d+ retrying, \d+ parked/m,
    );
    expect(text).toContain(parked);
  });
});
