import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { verifyWebhook } from '@ledger/bank-protocol';
import { ApiError } from '../../http/api-error';
import { CLOCK, Clock } from '../../shared/clock';
import { WEBHOOK_SECRET } from './webhook-secret';

/** The bank webhook authenticates by signature over the raw body; anything else: 401, nothing recorded. */
@Injectable()
export class BankSignatureGuard implements CanActivate {
  constructor(
    @Inject(WEBHOOK_SECRET) private readonly secret: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>();
    const header = request.headers['x-bank-signature'];
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const valid =
      request.rawBody !== undefined &&
      verifyWebhook(this.secret, request.rawBody, typeof header === 'string' ? header : undefined, now);
    if (!valid) throw new ApiError(401, 'invalid_signature', 'The X-Bank-Signature header is missing or wrong.');
    return true;
  }
}
