import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { tooManyRequests } from '../rate-limits/too-many-requests';
import { ExpiringMap } from '../shared/expiring-map';

const WINDOW_MS = 60_000;
/** Addresses tracked at once; past that the oldest windows are forgotten, so memory stays bounded. */
const TRACKED_ADDRESSES = 10_000;

/**
 * Failed authentications per client address and minute (`AUTH_FAILURES_PER_MIN`; 0 = off). An
 * address over its budget gets 429 for any credential until its window ends, before any lookup:
 * guessing keys or tokens stays slow and costs the ledger nothing.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly failures = new ExpiringMap<string, { count: number }>(TRACKED_ADDRESSES, WINDOW_MS);

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  /** Throws 429 (with Retry-After) when the caller's address has used up its budget. */
  assertAllowed(request: Request, response: Response): void {
    const budget = this.config.authFailuresPerMin;
    const address = clientAddress(request);
    if (budget === 0 || (this.failures.get(address)?.count ?? 0) < budget) return;
    throw tooManyRequests(response, Math.max(1, Math.ceil(this.failures.remainingMs(address) / 1_000)));
  }

  recordFailure(request: Request): void {
    if (this.config.authFailuresPerMin === 0) return;
    const address = clientAddress(request);
    const window = this.failures.get(address);
    // The window is fixed from the first failure: counting up does not extend it.
    if (window) window.count++;
    else this.failures.set(address, { count: 1 });
  }
}

/** Express' client address: the peer's, as no proxy is trusted (X-Forwarded-For cannot pick another). */
function clientAddress(request: Request): string {
  return request.ip ?? 'unknown';
}
