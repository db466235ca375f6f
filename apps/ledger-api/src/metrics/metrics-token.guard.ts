import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { ApiError } from '../http/api-error';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * With `METRICS_TOKEN` set, a scrape needs `Authorization: Bearer <token>`, compared in constant
 * time (over digests, so that the length leaks nothing either); wrong tokens count as failed
 * authentications of the caller's address. Unset, `/metrics` stays public.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    private readonly failures: AuthFailureLimiter,
  ) {
    this.expected = config.metricsToken === undefined ? undefined : sha256(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { authorization } = request.headers;
    if (authorization !== undefined) {
      this.failures.assertAllowed(request, context.switchToHttp().getResponse<FastifyReply>());
      // The scheme is case-insensitive (RFC 9110), as for API keys.
      const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
      if (token !== undefined && timingSafeEqual(sha256(token), this.expected)) return true;
      this.failures.recordFailure(request);
    }
    throw new ApiError(401, 'unauthorized', 'A valid metrics token is required.');
  }
}
