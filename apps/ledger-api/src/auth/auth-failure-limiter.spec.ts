import type { Request, Response } from 'express';
import { loadConfig } from '../config/ledger-config';
import { ApiError } from '../http/api-error';
import { AuthFailureLimiter } from './auth-failure-limiter';

const from = (ip: string) => ({ ip }) as Request;

function refusal(limiter: AuthFailureLimiter, request: Request): { error?: ApiError; retryAfter?: string } {
  const headers: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  try {
    limiter.assertAllowed(request, response);
    return {};
  } catch (error) {
    return { error: error as ApiError, retryAfter: headers['Retry-After'] };
  }
}

describe('AuthFailureLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('refuses an address past its budget until its minute ends, and no other address', () => {
    const limiter = new AuthFailureLimiter(loadConfig({ AUTH_FAILURES_PER_MIN: '3' }));
    for (let failure = 0; failure < 3; failure++) {
      expect(refusal(limiter, from('10.0.0.1')).error).toBeUndefined();
      limiter.recordFailure(from('10.0.0.1'));
    }
    jest.advanceTimersByTime(20_000);
    const { error, retryAfter } = refusal(limiter, from('10.0.0.1'));
    expect(error?.getStatus()).toBe(429);
    expect(error?.code).toBe('rate_limit_exceeded');
    expect(error?.fields).toEqual({ retry_after: 40 });
    expect(retryAfter).toBe('40');
    expect(refusal(limiter, from('10.0.0.2')).error).toBeUndefined();
    // Refused requests do not extend the window.
    jest.advanceTimersByTime(40_000);
    expect(refusal(limiter, from('10.0.0.1')).error).toBeUndefined();
  });

  it('counts nothing with a budget of 0', () => {
    const limiter = new AuthFailureLimiter(loadConfig({ AUTH_FAILURES_PER_MIN: '0' }));
    for (let failure = 0; failure < 1_000; failure++) limiter.recordFailure(from('10.0.0.1'));
    expect(refusal(limiter, from('10.0.0.1')).error).toBeUndefined();
  });
});
