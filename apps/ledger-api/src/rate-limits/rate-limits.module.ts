import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
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
/** One window for everyone. */
const forAll = (_context: unknown, _userId: string, name: string) => name;

/**
 * The order they are checked in: all callers, then the user on every route, then the user on the
 * route's class. The last one checked gives the X-RateLimit-* headers, so a limited route shows
 * its own numbers.
 */
function throttlers(limits: LedgerConfig['rateLimits']): ThrottlerOptions[] {
  const limit = (name: string, max: number, generateKey: ThrottlerOptions['generateKey']): ThrottlerOptions => ({
    name,
    ttl: minutes(1),
    limit: max,
    skipIf: () => max === 0,
    generateKey,
  });
  const forRoutes = (name: RouteLimit): ThrottlerOptions => ({
    ...limit(name, limits[name], perUser),
    skipIf: (context) => limits[name] === 0 || routeLimitOf(context) !== name,
  });
  return [
    limit('global', limits.global, forAll),
    limit('user', limits.user, perUser),
    forRoutes('balance'),
    forRoutes('transactions'),
  ];
}

/**
 * The rate limits of API.md: per user per route class, per user on every route, and all callers
 * together; counted in Redis when `REDIS_URL` is set (one limit across instances), else in process.
 */
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
export class RateLimitsModule implements OnModuleInit {
  private readonly logger = new Logger(RateLimitsModule.name);

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  onModuleInit(): void {
    for (const warning of this.config.rateLimits.warnings) this.logger.warn(warning);
  }
}
