import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { apiClient, TestLedger } from './ledger-app';

export interface TestUser {
  id: string;
  apiKey: string;
}

/** Env for a test ledger whose in-process bank answers every transfer, and fast. */
export const FAST_BANK_ENV = {
  BANK_WEBHOOK_SECRET: 'traffic-test-webhook-secret',
  BANK_SUCCESS_RATE: '1',
  BANK_MIN_DELAY_MS: '10',
  BANK_MAX_DELAY_MS: '50',
};

/** Users, funded accounts and payments made over HTTP, as clients make them. */
export function ledgerTraffic(ledger: Pick<TestLedger, 'baseUrl' | 'adminKey'>) {
  const api = apiClient(ledger.baseUrl);
  const keyed = (): Record<string, string> => ({ 'Idempotency-Key': randomUUID() });

  const user = async (name: string, role: 'customer' | 'merchant'): Promise<TestUser> =>
    (await api.post('/api/v1/users', ledger.adminKey, { name, role })).body;

  /** A EUR account, funded by a deposit that has settled when this returns. */
  async function account(owner: TestUser, funds = 0): Promise<string> {
    const id = (await api.post('/api/v1/accounts', owner.apiKey, { currency: 'EUR' })).body.id as string;
    if (funds === 0) return id;
    const deposit = await api.post('/api/v1/deposits', owner.apiKey, { accountId: id, amount: funds }, keyed());
    for (let attempt = 0; attempt < 400; attempt++) {
      const status = (await api.get(`/api/v1/deposits/${deposit.body.id}`, owner.apiKey)).body?.status;
      if (status === 'succeeded') return id;
      await delay(25);
    }
    throw new Error('funding failed');
  }

  const pay = (owner: TestUser, body: Record<string, unknown>) =>
    api.post('/api/v1/payments', owner.apiKey, body, keyed());

  const paymentAction = (owner: TestUser, paymentId: string, action: 'capture' | 'void' | 'refunds', body = {}) =>
    api.post(`/api/v1/payments/${paymentId}/${action}`, owner.apiKey, body, keyed());

  /** A deposit or a withdrawal requested: 202 while the bank works on it. */
  const requestTransfer = (owner: TestUser, kind: 'deposit' | 'withdrawal', accountId: string, amount: number) =>
    api.post(`/api/v1/${kind}s`, owner.apiKey, { accountId, amount }, keyed());

  return { api, keyed, user, account, pay, paymentAction, requestTransfer };
}
