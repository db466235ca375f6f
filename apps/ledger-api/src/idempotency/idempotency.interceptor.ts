import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { Principal } from '../auth/principal';
import { ApiError } from '../http/api-error';
import { describeException } from '../http/api-exception.filter';
import { LEDGER_POSITION_HEADER } from '../http/ledger-position';
import { IdempotencyStore } from './idempotency.store';

const IDEMPOTENCY_REQUIRED = 'ledger:idempotency-required';
const SHOWN_ONCE = 'ledger:shown-once';
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;
const RETRY_AFTER_SECONDS = '1';

/** Money-moving routes refuse a POST without an Idempotency-Key. */
export const IdempotencyKeyRequired = () => SetMetadata(IDEMPOTENCY_REQUIRED, true);

/**
 * Response fields that are secrets shown once (a new API key): the idempotency record keeps the
 * answer without them, so no secret sits in the database in plain text, and a replay answers
 * without them.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SHOWN_ONCE, fields);

type LedgerRequest = Request & { principal?: Principal; id?: string };

/**
 * The one mechanism behind Idempotency-Key on every POST: the first request with a key runs and
 * its answer (success or 4xx) is stored; a repeat gets that answer again with
 * `Idempotent-Replayed: true`; a different request under the key gets 422, one arriving while
 * the first still runs gets 409 with Retry-After.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<LedgerRequest>();
    if (request.method !== 'POST' || !request.principal) return next.handle();
    const key = request.headers['idempotency-key'];
    if (key === undefined) {
      if (this.reflector.get<boolean>(IDEMPOTENCY_REQUIRED, context.getHandler())) {
        throw new ApiError(400, 'idempotency_key_required', 'This route needs an Idempotency-Key header.');
      }
      return next.handle();
    }
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw new ApiError(400, 'validation_failed', 'The request is invalid.', [
        { field: 'Idempotency-Key', problems: ['Idempotency-Key must be 1 to 255 printable characters'] },
      ]);
    }
    const shownOnce = this.reflector.get<string[] | undefined>(SHOWN_ONCE, context.getHandler()) ?? [];
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.run(request, response, request.principal.userId, key, shownOnce, next));
  }

  private async run(
    request: LedgerRequest,
    response: Response,
    userId: string,
    key: string,
    shownOnce: readonly string[],
    next: CallHandler,
  ) {
    const claim = await this.store.claim(userId, key, fingerprint(request));
    switch (claim.kind) {
      case 'reused':
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
      case 'in_use':
        response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
        throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running.');
      case 'replay': {
        const { statusCode, body, headers } = claim.response;
        response.status(statusCode);
        for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
        response.setHeader('Idempotent-Replayed', 'true');
        return body;
      }
      case 'claimed':
        break;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const position = response.getHeader(LEDGER_POSITION_HEADER);
      await this.store.complete(userId, key, {
        statusCode: response.statusCode,
        body: withoutFields(body, shownOnce),
        headers: position ? { [LEDGER_POSITION_HEADER]: String(position) } : {},
      });
      return body;
    } catch (error) {
      const { status, body } = describeException(error, request);
      // API.md: a request refused by validation never ran, so its key stays free, as after a 5xx.
      if (status >= 500 || body.error === 'validation_failed')
        await this.store.release(userId, key).catch(() => undefined);
      else
        await this.store.complete(userId, key, {
          statusCode: status,
          body: { ...body, requestId: request.id },
          headers: {},
        });
      throw error;
    }
  }
}

function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !fields.includes(name)));
}

function fingerprint(request: Request): string {
  return createHash('sha256')
    .update(`${request.method} ${request.path}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}
