import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signWebhook } from '@ledger/bank-protocol';
import { browserUnavailable, ensureConsoleBuilt, launchBrowser } from '../../bench/browser';
import { eventually } from '../eventually';
import { caughtUpHeaders, startTestLedger, TestLedger } from '../ledger-app';
import { FAST_BANK_ENV, ledgerTraffic, TestUser } from '../ledger-traffic';

/**
 * The web console in a real Chromium against a real ledger (its in-process bank slow enough that a
 * deposit is seen pending before it settles). `CONSOLE_SCREENSHOTS=docs/screenshots` also saves the
 * README's screenshots on the way.
 */
const unavailable = browserUnavailable();
if (unavailable) console.log(`Skipping the console's browser tests: ${unavailable}`);
const describeInBrowser = unavailable ? describe.skip : describe;

const BANK_ENV = { ...FAST_BANK_ENV, BANK_MIN_DELAY_MS: '1500', BANK_MAX_DELAY_MS: '2000' };
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;

describeInBrowser('the web console in a browser', () => {
  let ledger: TestLedger;
  let traffic: ReturnType<typeof ledgerTraffic>;
  let browser: Browser;
  let customer: TestUser;
  let merchant: TestUser;
  let customerAccount: string;
  let merchantAccount: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    ledger = await startTestLedger(BANK_ENV);
    traffic = ledgerTraffic(ledger);
    browser = await launchBrowser();
    customer = await traffic.user('Alice (test customer)', 'customer');
    merchant = await traffic.user('Corner Shop (test merchant)', 'merchant');
    customerAccount = await traffic.account(customer, 10_000);
    merchantAccount = await traffic.account(merchant);
  });
  afterAll(async () => {
    await browser?.close();
    await ledger?.close();
  });

  /** A fresh browser context (its own session storage), at 1280 px unless told otherwise. */
  async function openPage(width = 1280, height = 860): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(ledger.baseUrl);
    return page;
  }

  async function signIn(page: Page, apiKey: string): Promise<void> {
    await page.fill('input[name=apiKey]', apiKey);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-live]');
  }

  /** Marks the document: the mark is gone if the page reloads. */
  const markDocument = (page: Page) =>
    page.evaluate(() => ((globalThis as { consoleMark?: boolean }).consoleMark = true));
  const stillSameDocument = (page: Page) =>
    page.evaluate(() => (globalThis as { consoleMark?: boolean }).consoleMark === true);
  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
  const waitForText = (page: Page, selector: string, expected: string, timeoutMs = 15_000) =>
    eventually(async () => (await text(page, selector)).includes(expected), timeoutMs);
  const navigate = (page: Page, label: string) =>
    page.locator('nav').getByRole('link', { name: label, exact: true }).click();

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('shows an error and nothing else for a wrong key, and keeps the key out of the URL', async () => {
    const page = await openPage();
    await page.fill('input[name=apiKey]', 'lk_not_a_key_of_this_ledger_000');
    await page.click('button[type=submit]');
    const error = await page.waitForSelector('[data-sign-in-error]');
    expect(await error.innerText()).toContain('not recognised');
    expect(await page.locator('[data-live]').count()).toBe(0);
    expect(await page.locator('nav').count()).toBe(0);
    expect(page.url()).not.toContain('lk_');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
      ),
    ).toBe(0);
  });

  it('lets a customer deposit once on a double click and shows the balance change when the bank settles it', async () => {
    const page = await openPage();
    await screenshot(page, 'sign-in');
    await signIn(page, customer.apiKey);
    const available = `[data-account="${customerAccount}"] [data-balance=available]`;
    await waitForText(page, available, '€100.00');
    await screenshot(page, 'customer-accounts');
    await markDocument(page);

    await navigate(page, 'Deposit');
    await page.fill('input[name=amount]', '25.00');
    await page.locator('button[type=submit]').dblclick();
    await page.waitForSelector('text=Deposit requested');
    await navigate(page, 'Accounts');
    // Pending until the bank's callback (1.5–2 s away): then the card changes by itself.
    expect(await text(page, available)).toContain('€100.00');
    await waitForText(page, available, '€125.00');
    expect(await stillSameDocument(page)).toBe(true);

    const deposits = await traffic.api.get(`/api/v1/deposits?accountId=${customerAccount}`, customer.apiKey);
    expect(deposits.body.data.filter((deposit: any) => deposit.amount === 2500)).toHaveLength(1);

    await page.click(`[data-account="${customerAccount}"] a`);
    await page.waitForSelector(`[data-transaction]`);
    await screenshot(page, 'account-detail');
  });

  it('lets a customer pay a merchant, who sees it arrive live, captures and refunds it', async () => {
    const merchantPage = await openPage();
    await signIn(merchantPage, merchant.apiKey);
    await navigate(merchantPage, 'Payments received');
    await merchantPage.waitForSelector('text=No payments yet.');
    await markDocument(merchantPage);

    const page = await openPage();
    await signIn(page, customer.apiKey);
    await navigate(page, 'Pay');
    await page.fill('input[name=payee]', merchantAccount);
    await page.fill('input[name=amount]', '12.34');
    await page.fill('input[name=description]', 'Coffee beans');
    await page.click('text=Authorize only');
    await screenshot(page, 'pay-form');
    await page.locator('button[type=submit]').dblclick();
    await page.waitForSelector('[data-step=Authorized]');
    const paymentId = page.url().split('/payments/')[1];
    expect(paymentId).toMatch(/^[0-9a-f-]{36}$/);
    const payments = await traffic.api.get(`/api/v1/payments?accountId=${customerAccount}`, customer.apiKey);
    expect(payments.body.data).toHaveLength(1);

    await merchantPage.waitForSelector(`[data-payment="${paymentId}"]`, { timeout: 15_000 });
    expect(await stillSameDocument(merchantPage)).toBe(true);
    await screenshot(merchantPage, 'merchant-payments');
    await merchantPage.click(`[data-payment="${paymentId}"] a`);
    await merchantPage.fill('input[name=actionAmount]', '10.00');
    await merchantPage.getByRole('button', { name: 'Capture' }).click();
    await merchantPage.waitForSelector('[data-status=captured]');
    await merchantPage.fill('input[name=actionAmount]', '');
    await merchantPage.fill('input[name=actionAmount]', '2.34');
    await merchantPage.fill('input[name=reason]', 'one bag was damaged');
    await merchantPage.getByRole('button', { name: 'Refund' }).click();
    await merchantPage.waitForSelector('[data-status=partially_refunded]');
    await screenshot(merchantPage, 'payment-detail');

    // The customer's open payment page followed along.
    await page.waitForSelector('[data-status=partially_refunded]', { timeout: 15_000 });
    const payment = await traffic.api.get(`/api/v1/payments/${paymentId}`, customer.apiKey);
    expect(payment.body).toMatchObject({ status: 'partially_refunded', capturedAmount: 1000, refundedAmount: 234 });

    // The list shows what the partial capture moved, not what was authorized.
    await navigate(merchantPage, 'Payments received');
    const row = merchantPage.locator(`[data-payment="${paymentId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('€10.00');
    expect(await row.textContent()).not.toContain('€12.34');
  });

  it('lets an admin find the payment and watch the bank work and consumer lag', async () => {
    const paymentId = (
      await traffic.pay(customer, { payerAccountId: customerAccount, payeeAccountId: merchantAccount, amount: 100 })
    ).body.id as string;
    // Bank work in flight while the dashboard is open.
    await traffic.api.post(
      '/api/v1/deposits',
      customer.apiKey,
      { accountId: customerAccount, amount: 700 },
      traffic.keyed(),
    );

    const page = await openPage();
    await signIn(page, ledger.adminKey);
    await page.waitForSelector('[data-consumers] [data-consumer]');
    await page.waitForSelector('[data-stat="Bank: waiting"]');
    await page.waitForSelector('[data-bank=parked]');
    expect(await page.locator('[data-consumers] [data-lag]').count()).toBeGreaterThan(0);
    const bankWork = await page.locator('[data-stat="Bank: waiting"], [data-stat="Bank: sent"]').allInnerTexts();
    expect(bankWork.join(' ')).toMatch(/\d/);
    await screenshot(page, 'admin-dashboard');

    await navigate(page, 'Transactions');
    await page.fill('input[placeholder^="payment, deposit"]', paymentId);
    await page.waitForSelector('[data-found=payment]');
    await page.click('[data-found=payment] a');
    await page.waitForSelector('[data-step=Paid]');
    expect(page.url()).toContain(paymentId);
  });

  it('lets an admin create a user (key shown once), audit an account, verify the ledger and see projections', async () => {
    const page = await openPage();
    await signIn(page, ledger.adminKey);
    await navigate(page, 'Users');
    await page.fill('input[name=name]', 'Dora (made in the console)');
    await page.getByRole('button', { name: 'Create user' }).click();
    const key = await (await page.waitForSelector('[data-created-key] code')).innerText();
    const me = await traffic.api.get('/api/v1/users/me', key);
    expect(me.body).toMatchObject({ name: 'Dora (made in the console)', role: 'customer' });

    await navigate(page, 'Audit');
    await page.fill('input[name=auditAccount]', customerAccount);
    await page.waitForSelector('[data-consistent=true]');
    await screenshot(page, 'admin-audit');

    await navigate(page, 'Verification');
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    await page.waitForSelector('[data-verification=consistent]', { timeout: 60_000 });

    await navigate(page, 'Projections');
    await page.waitForSelector('[data-projection=accounts]');
    await page.locator('[data-projection=users]').getByRole('button', { name: 'Rebuild' }).click();
    await page.waitForSelector('[data-projection=users] [data-rebuild=done]', { timeout: 60_000 });
    await screenshot(page, 'admin-projections');
  });

  it('lets an admin resolve a review item raised by a contradicting bank callback', async () => {
    const deposit = await traffic.api.post(
      '/api/v1/deposits',
      customer.apiKey,
      { accountId: customerAccount, amount: 300 },
      traffic.keyed(),
    );
    const transferId = deposit.body.id as string;
    await eventually(
      async () =>
        (await traffic.api.get(`/api/v1/deposits/${transferId}`, customer.apiKey)).body.status === 'succeeded',
    );
    const body = JSON.stringify({
      eventId: randomUUID(),
      transferId,
      type: 'failed',
      occurredAt: new Date().toISOString(),
    });
    const callback = await fetch(`${ledger.baseUrl}/webhooks/bank-callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bank-signature': signWebhook(BANK_ENV.BANK_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(((await callback.json()) as { outcome: string }).outcome).toBe('MANUAL_REVIEW');
    await eventually(async () => {
      const open = await traffic.api.get(
        '/api/v1/admin/reviews?status=open',
        ledger.adminKey,
        await caughtUpHeaders(ledger),
      );
      return open.body.data.some((review: any) => review.transferId === transferId);
    });

    const page = await openPage();
    await signIn(page, ledger.adminKey);
    await navigate(page, 'Reviews');
    const card = page.locator('[data-review]', { hasText: transferId.slice(0, 8) });
    await card.waitFor();
    await screenshot(page, 'admin-reviews');
    await card.locator('input[name=note]').fill('bank statement shows the deposit arrived');
    await card.getByRole('button', { name: 'Resolve' }).click();
    await eventually(
      async () => (await page.locator('[data-review]', { hasText: transferId.slice(0, 8) }).count()) === 0,
    );

    const resolved = await traffic.api.get('/api/v1/admin/reviews?status=resolved', ledger.adminKey);
    expect(resolved.body.data.find((review: any) => review.transferId === transferId)).toMatchObject({
      status: 'resolved',
      decision: 'keep_ledger',
      note: 'bank statement shows the deposit arrived',
      resolvedBy: expect.any(String),
      resolvedAt: expect.any(String),
    });
    await page.getByText('resolved', { exact: true }).first().click();
    await page.waitForSelector('[data-resolution]');
  });

  it('fits a phone-width screen', async () => {
    const page = await openPage(390, 844);
    await signIn(page, customer.apiKey);
    await page.waitForSelector(`[data-account="${customerAccount}"]`);
    const overflow = await page.evaluate(() => {
      const root = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
      ).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-accounts');
  });
});
