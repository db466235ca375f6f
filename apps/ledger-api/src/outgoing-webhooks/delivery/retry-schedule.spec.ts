import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-schedule';

describe('retryDelayMs', () => {
  it('doubles from the initial delay, between half and all of it', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 10_000, () => 0))).toEqual([
      5_000, 10_000, 20_000, 40_000,
    ]);
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 10_000, () => 1))).toEqual([
      10_000, 20_000, 40_000, 80_000,
    ]);
  });

  it('stops growing at an hour, however many failures', () => {
    expect(retryDelayMs(12, 10_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(10_000, 10_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('takes about 70 attempts to span the 3 days', () => {
    let elapsed = 0;
    let failures = 0;
    while (elapsed < 72 * 3_600_000) elapsed += retryDelayMs(++failures, 10_000, () => 0.5);
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(110);
  });
});
