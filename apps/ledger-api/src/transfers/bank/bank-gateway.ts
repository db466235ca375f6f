import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  circuitBreaker,
  CircuitState,
  handleType,
  SamplingBreaker,
} from 'cockatiel';

export const BANK_GATEWAY = Symbol('BANK_GATEWAY');

export interface BankTransferRequest {
  transferId: string;
  kind: 'deposit' | 'withdrawal';
  accountId: string;
  amount: number;
  currency: string;
}

/** What the bank says of a transfer it was sent. */
export type BankTransferStatus = 'accepted' | 'processing' | 'succeeded' | 'failed';

export interface BankTransferReport {
  status: BankTransferStatus;
  failureReason: string | null;
}

/** Sent with every call as X-Correlation-ID: the bank echoes it on the transfer's callbacks. */
export interface BankCallContext {
  correlationId: string | undefined;
}

export const CORRELATION_ID_HEADER = 'X-Correlation-ID';

/** `open`: calls fail at once; `half-open`: one call is trying the bank again. */
export type BankCircuit = 'closed' | 'open' | 'half-open';

/**
 * The port to the bank: hand over a transfer (its outcome arrives later by webhook), and ask what
 * became of one whose outcome never arrived.
 */
export interface BankGateway {
  submit(transfer: BankTransferRequest, context: BankCallContext): Promise<void>;
  /** Undefined when the bank does not know the transfer. */
  status(transferId: string, context: BankCallContext): Promise<BankTransferReport | undefined>;
  /** The circuit breaker's state, for the operators' dashboard. */
  circuit(): BankCircuit;
}

/** The bank did not answer in time, answered 5xx, 408 or 429, or its circuit is open: try again later. */
export class BankUnavailableError extends Error {
  override name = 'BankUnavailableError';
}

/** The bank refused the transfer for good (a 4xx): sending it again as it is cannot help. */
export class BankRejectedError extends Error {
  override name = 'BankRejectedError';
}

const REQUEST_TIMEOUT_MS = 10_000;
/** While the circuit is open, calls fail at once; then one call tries the bank again. */
export const CIRCUIT_OPEN_MS = 5_000;
/** Statuses that say "not now" rather than "never". */
const TRANSIENT = new Set([408, 429]);
const BANK_STATUSES = new Set<string>(['accepted', 'processing', 'succeeded', 'failed'] satisfies BankTransferStatus[]);

/** Whether a call was not even tried: the bank's circuit is open. */
export const isCircuitOpen = (error: unknown): boolean => error instanceof BrokenCircuitError;

/**
 * The bank over HTTP. One call per request: retries are scheduled per transfer by the bank work
 * (so that one transfer's troubles hold up no other). When most calls of the last ten seconds
 * found the bank unavailable, the circuit opens and every call fails at once for a while, so a
 * bank that is down is not flooded.
 */
export class HttpBankGateway implements BankGateway {
  private readonly breaker: CircuitBreakerPolicy = circuitBreaker(handleType(BankUnavailableError), {
    halfOpenAfter: CIRCUIT_OPEN_MS,
    breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1 }),
  });

  constructor(private readonly baseUrl: () => string) {}

  circuit(): BankCircuit {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      case CircuitState.Open:
      case CircuitState.Isolated:
        return 'open';
    }
  }

  async submit(transfer: BankTransferRequest, context: BankCallContext): Promise<void> {
    const response = await this.call('/transfers', context, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(transfer),
    });
    if (!response.ok) throw new BankRejectedError(`bank refused the transfer with ${response.status}`);
  }

  async status(transferId: string, context: BankCallContext): Promise<BankTransferReport | undefined> {
    const response = await this.call(`/transfers/${encodeURIComponent(transferId)}`, context, { method: 'GET' });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new BankUnavailableError(`bank answered ${response.status} to a status query`);
    const body = (await response.json().catch(() => undefined)) as Partial<BankTransferReport> | undefined;
    if (!body || typeof body.status !== 'string' || !BANK_STATUSES.has(body.status)) {
      throw new BankUnavailableError('bank answered a status query with no status');
    }
    return { status: body.status, failureReason: typeof body.failureReason === 'string' ? body.failureReason : null };
  }

  /** One request through the circuit breaker; unavailable answers are thrown, the rest returned. */
  private call(path: string, { correlationId }: BankCallContext, init: RequestInit): Promise<Response> {
    const headers = {
      ...(init.headers as Record<string, string>),
      ...(correlationId ? { [CORRELATION_ID_HEADER]: correlationId } : {}),
    };
    return this.breaker.execute(async () => {
      const response = await fetch(`${this.baseUrl()}${path}`, {
        ...init,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((error: Error) => {
        throw new BankUnavailableError(`bank unreachable: ${error.name}`);
      });
      if (response.status >= 500 || TRANSIENT.has(response.status)) {
        await response.body?.cancel();
        throw new BankUnavailableError(`bank answered ${response.status}`);
      }
      return response;
    });
  }
}
