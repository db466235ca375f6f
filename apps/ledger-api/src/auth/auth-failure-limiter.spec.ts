import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadConfig } from '../config/ledger-config';
import { ApiError } from '../http/api-error';
import { AuthFailureLimiter, addressBucket } from './auth-failure-limiter';

const from = (ip: string) => ({ ip }) as FastifyRequest;

function refusal(limiter: AuthFailureLimiter, request: FastifyRequest): { error?: ApiError; retryAfter?: string } {
  const headers: Record<string, string> = {};
  const response = { header: (name: string, value: string) => (headers[name] = value) } as unknown as FastifyReply;
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

describe('addressBucket', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b:1:2:3:4:1.2.3.4', '64:ff9b:1:2::/64'],
  ])('counts %s as %s', (ip, bucket) => {
    expect(addressBucket({ ip })).toBe(bucket);
  });

  it('counts every address of one IPv6 /64 together', () => {
    const limiter = new AuthFailureLimiter(loadConfig({ AUTH_FAILURES_PER_MIN: '2' }));
    limiter.recordFailure(from('2001:db8:1:2::a'));
    limiter.recordFailure(from('2001:db8:1:2::b'));
    expect(refusal(limiter, from('2001:db8:1:2:ffff::c')).error?.getStatus()).toBe(429);
    expect(refusal(limiter, from('2001:db8:1:3::a')).error).toBeUndefined();
  });
});
