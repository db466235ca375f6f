import { measure } from './measure';

describe('measure', () => {
  it('keeps going when a contender fails every other call, and counts the failures', async () => {
    const result = await measure(100, 4, async (index) => {
      if (index % 2) throw new Error(`call ${index} failed`);
    });
    expect(result.errors).toBe(50);
    expect(result.lastError).toMatch(/^call \d+ failed$/);
    expect(result.perSecond).toBeGreaterThan(0);
  });

  it('retries what the contender says to retry, and only that', async () => {
    const attempts = new Map<number, number>();
    const result = await measure(
      20,
      2,
      async (index) => {
        const made = (attempts.get(index) ?? 0) + 1;
        attempts.set(index, made);
        if (made < 3) throw new Error(index % 2 ? 'conflict' : 'broken');
      },
      { retryable: (error) => (error as Error).message === 'conflict', maxRetries: 3 },
    );
    expect(result.errors).toBe(10);
    expect(result.lastError).toBe('broken');
    expect([...attempts].filter(([index]) => index % 2).every(([, made]) => made === 3)).toBe(true);
  });
});
