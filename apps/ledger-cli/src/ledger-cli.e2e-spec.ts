import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestLedger, TestLedger } from '../../../test/ledger-app';
import { FAST_BANK_ENV, ledgerTraffic } from '../../../test/ledger-traffic';

const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** The CLI as users run it (`npm run ledger -- …` runs this same file after a build). */
describe('the admin CLI against a running ledger', () => {
  let ledger: TestLedger;
  let accountId: string;

  beforeAll(async () => {
    await run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    ledger = await startTestLedger(FAST_BANK_ENV);
    const traffic = ledgerTraffic(ledger);
    const customer = await traffic.user('Wes', 'customer');
    accountId = await traffic.account(customer, 900);
  });
  afterAll(() => ledger.close());

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
});
