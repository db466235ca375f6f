import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { minutes, ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { REDIS } from '../infrastructure/infrastructure.module';
import { LedgerThrottlerGuard } from './ledger-throttler.guard';
import { routeLimitOf, RouteLimit } from './rate-limited';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** One window per limit and user, across every route the limit covers. */
const perUser = (_context: unknown, userId: string, name: string) => `${name}:${userId}`;

function throttlers(limits: LedgerConfig['rateLimits']): ThrottlerOptions[] {
  const forRoutes = (name: RouteLimit): ThrottlerOptions => ({
    name,
    ttl: minutes(1),
    limit: limits[name],
    skipIf: (context) => limits[name] === 0 || routeLimitOf(context) !== name,
    generateKey: perUser,
  });
  const global: ThrottlerOptions = {
    name: 'global',
    ttl: minutes(1),
    limit: limits.global,
    skipIf: () => limits.global === 0,
    generateKey: perUser,
  };
  return [global, forRoutes('balance'), forRoutes('transactions')];
}

/** Per-user rate limits (API.md, Rate limits), counted in Redis when `REDIS_URL` is set, else in process. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [LEDGER_CONFIG, REDIS],
      useFactory: (config: LedgerConfig, redis: Redis | null) => ({
        throttlers: throttlers(config.rateLimits),
        storage: redis ? new RedisThrottlerStorage(redis) : undefined,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: LedgerThrottlerGuard }],
})
export class RateLimitsModule {}
