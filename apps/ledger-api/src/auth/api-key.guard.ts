import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Role } from '@ledger/ledger-domain';
import { ApiError } from '../http/api-error';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { Authenticator } from './authenticator';
import { IS_PUBLIC, Principal, REQUIRED_ROLES } from './principal';

/** Every route needs `Authorization: Bearer <api key>` unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const { authorization } = request.headers;
    if (authorization === undefined) throw unauthorized();
    this.failures.assertAllowed(request, context.switchToHttp().getResponse<FastifyReply>());
    // RFC 9110: the scheme is case-insensitive (`bearer`, `BEARER`); RFC 6750: one or more spaces.
    const match = /^Bearer +(\S{1,512})$/i.exec(authorization);
    const principal = match ? await this.authenticator.authenticate(match[1]) : undefined;
    if (!principal) {
      this.failures.recordFailure(request);
      throw unauthorized();
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ApiError(403, 'forbidden', 'Your role may not use this route.');
    }
    request.principal = principal;
    return true;
  }
}

function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'A valid API key is required.');
}
