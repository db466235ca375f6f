import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerRequest } from '@nestjs/throttler/dist/throttler.guard.interface';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal } from '../auth/principal';
import { tooManyRequests } from '../http/too-many-requests';

/**
 * @nestjs/throttler with API.md's side of it: limits counted after authentication (public routes
 * such as health and the bank's webhook are not limited), `X-RateLimit-Reset` in unix seconds,
 * and 429 in the contract's shape. The limits are checked from the widest (all callers) to the
 * narrowest (the user on the route's class), so a limited route's headers show its own numbers.
 */
@Injectable()
export class LedgerThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>().principal;
  }

  protected override async handleRequest({
    context,
    limit,
    ttl,
    throttler,
    blockDuration,
    generateKey,
  }: ThrottlerRequest): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal: Principal }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const name = throttler.name ?? 'user';
    const key = generateKey(context, request.principal.userId, name);
    const { totalHits, timeToExpire, isBlocked, timeToBlockExpire } = await this.storageService.increment(
      key,
      ttl,
      limit,
      blockDuration,
      name,
    );
    void reply.headers({
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - totalHits)),
      'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1_000) + timeToExpire),
    });
    if (isBlocked) throw tooManyRequests(reply, timeToBlockExpire);
    return true;
  }
}
