import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';
import { asError } from '../logging/as-error';

/** One fixed window per key: the first hit starts it, and every instance counts in the same key. */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }`;

/**
 * Rate-limit counters in Redis, so that several API instances enforce one limit. When Redis does
 * not answer, requests pass (and a warning is logged): a limiter must not take the ledger down.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);

  constructor(private readonly redis: Redis) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, remainingMs] = (await this.redis.eval(HIT, 1, `ledger:rate:${key}`, ttl)) as [number, number];
      const seconds = Math.max(1, Math.ceil(remainingMs / 1_000));
      const isBlocked = hits > limit;
      return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
    } catch (error) {
      this.logger.warn({ err: asError(error) }, 'rate limit not counted');
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1_000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
