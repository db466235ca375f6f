import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIPv6 } from 'node:net';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { tooManyRequests } from '../http/too-many-requests';
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
  assertAllowed(request: FastifyRequest, reply: FastifyReply): void {
    const budget = this.config.authFailuresPerMin;
    const address = addressBucket(request);
    if (budget === 0 || (this.failures.get(address)?.count ?? 0) < budget) return;
    throw tooManyRequests(reply, Math.max(1, Math.ceil(this.failures.remainingMs(address) / 1_000)));
  }

  recordFailure(request: FastifyRequest): void {
    if (this.config.authFailuresPerMin === 0) return;
    const address = addressBucket(request);
    const window = this.failures.get(address);
    // The window is fixed from the first failure: counting up does not extend it.
    if (window) window.count++;
    else this.failures.set(address, { count: 1 });
  }
}

/**
 * Whose budget a request spends: Fastify's client address (the peer's, as no proxy is trusted, so
 * X-Forwarded-For cannot pick another), and for IPv6 its /64, since one subscriber usually holds a
 * whole /64 and could otherwise use a fresh address per guess.
 */
export function addressBucket(request: Pick<FastifyRequest, 'ip'>): string {
  const address = request.ip || 'unknown';
  if (!isIPv6(address)) return address;
  const mappedIPv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mappedIPv4) return mappedIPv4;
  const [head, tail] = address.split('%')[0].split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // A trailing dotted IPv4 stands for two groups.
  const width = (parts: string[]) => parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : Array<string>(8 - width(groups(head)) - width(groups(tail))).fill('0');
  const expanded = [...groups(head), ...zeros, ...groups(tail)];
  return `${expanded
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
