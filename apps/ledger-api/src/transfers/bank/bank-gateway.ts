import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleType, retry, wrap, IPolicy } from 'cockatiel';

export const BANK_GATEWAY = Symbol('BANK_GATEWAY');

export interface BankTransferRequest {
  transferId: string;
  kind: 'deposit' | 'withdrawal';
  accountId: string;
  amount: number;
  currency: string;
}

/** The port to the bank: hand over a transfer; its outcome arrives later by webhook. */
export interface BankGateway {
  submit(transfer: BankTransferRequest): Promise<void>;
}

/** The bank did not answer in time or answered 5xx: worth another try. */
export class BankUnavailableError extends Error {
  override name = 'BankUnavailableError';
}

const REQUEST_TIMEOUT_MS = 2_000;

/**
 * Submits over HTTP. Unavailable and timed-out calls are retried with exponential backoff and
 * jitter; after five failures in a row the circuit opens for five seconds and calls fail fast
 * (the dispatch reactor then retries later from its checkpoint). The transfer id makes repeats safe.
 */
export class HttpBankGateway implements BankGateway {
  private readonly policy: IPolicy = wrap(
    retry(handleType(BankUnavailableError), {
      maxAttempts: 4,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
    }),
    circuitBreaker(handleType(BankUnavailableError), {
      halfOpenAfter: 5_000,
      breaker: new ConsecutiveBreaker(5),
    }),
  );

  constructor(private readonly baseUrl: () => string) {}

  async submit(transfer: BankTransferRequest): Promise<void> {
    await this.policy.execute(async () => {
      const response = await fetch(`${this.baseUrl()}/transfers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(transfer),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((error: Error) => {
        throw new BankUnavailableError(`bank unreachable: ${error.name}`);
      });
      if (response.status >= 500) throw new BankUnavailableError(`bank answered ${response.status}`);
      if (!response.ok) throw new Error(`bank refused the transfer with ${response.status}`);
    });
  }
}
