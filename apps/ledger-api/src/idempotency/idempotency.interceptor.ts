import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { EVENT_STORE, EventStore, RecordTakenError } from '@ledger/event-store';
import { Principal } from '../auth/principal';
import { ApiError } from '../http/api-error';
import { describeException, withRequestId } from '../http/api-exception.filter';
import { LEDGER_POSITION_HEADER } from '../http/ledger-position';
import { AnswerRecording, attachAnswerRecording, serializeBody as serialize } from '../shared/answer-recording';
import { Held, IdempotencyStore, StoredResponse } from './idempotency.store';
import { requestFingerprint } from './request-fingerprint';

const IDEMPOTENCY_REQUIRED = 'ledger:idempotency-required';
const SHOWN_ONCE = 'ledger:shown-once';
const RECORDED_WITH_EVENTS = 'ledger:recorded-with-events';
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;
const RETRY_AFTER_SECONDS = '1';
/** The headers of an answer that belong to it, so a replay repeats them (not rate-limit counters). */
const REPLAYED_HEADERS = ['Location', LEDGER_POSITION_HEADER];
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/**
 * Refusals that come before a command runs (checks of the request, not decisions of the ledger):
 * they keep nothing under the key, so the corrected request may use it. Authentication, rate
 * limits and body parsing refuse before this interceptor, and never claim a key at all.
 */
const REFUSED_BEFORE_COMMAND = new Set([
  'validation_failed',
  'unauthorized',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limit_exceeded',
]);

/** Money-moving routes refuse a POST without an Idempotency-Key. */
export const IdempotencyKeyRequired = () => SetMetadata(IDEMPOTENCY_REQUIRED, true);

/**
 * Response fields that are secrets shown once (a new API key): the idempotency record keeps the
 * answer without them, so no secret sits in the database in plain text, and a replay answers
 * without them.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SHOWN_ONCE, fields);

/**
 * The route's command commits the request's idempotency record with its events when the event
 * store can (`recordsWithAppends`): it builds the answer from its decision (see AnswerRecording),
 * and the route's answer is the one recorded. Its answer has no headers but X-Ledger-Position, and
 * no ShownOnce fields.
 */
export const AnswerRecordedWithEvents = () => SetMetadata(RECORDED_WITH_EVENTS, true);

type LedgerRequest = FastifyRequest & { principal?: Principal };

/**
 * The one mechanism behind Idempotency-Key on every POST: the first request with a key runs and
 * its answer (success or 4xx from the command) is stored as sent, body text included; a repeat
 * gets the same status, headers and body bytes with `Idempotent-Replayed: true`; a different
 * request under the key gets 422, one arriving while the first still runs gets 409 with
 * Retry-After. Bodies are sent as serialized here, so the first answer and its replays are the
 * same bytes.
 *
 * A key is claimed before its request runs and its answer stored after (two statements), except on
 * routes whose record commits with the command's events (AnswerRecordedWithEvents): there nothing
 * is written beside the events, and what a key already holds is found when the record cannot be
 * written (`runRecordedWithEvents`).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  /** Keys (user and key) of the requests running in this process whose record commits with their events. */
  private readonly running = new Set<string>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    @Inject(EVENT_STORE) private readonly events: EventStore,
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
      throw invalidKey('Idempotency-Key must be 1 to 255 printable characters');
    }
    // Node joins repeated headers into one value ("k1, k2"): a key sent twice would run as a third.
    if (timesSent(request, 'idempotency-key') > 1) throw invalidKey('Idempotency-Key must be sent once');
    const shownOnce = this.reflector.get<string[] | undefined>(SHOWN_ONCE, context.getHandler()) ?? [];
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (this.events.recordsWithAppends && this.reflector.get<boolean>(RECORDED_WITH_EVENTS, context.getHandler())) {
      return from(this.runRecordedWithEvents(request, reply, request.principal.userId, key, next));
    }
    return from(this.run(request, reply, request.principal.userId, key, shownOnce, next));
  }

  private async run(
    request: LedgerRequest,
    reply: FastifyReply,
    userId: string,
    key: string,
    shownOnce: readonly string[],
    next: CallHandler,
  ) {
    const claim = await this.store.claim(userId, key, requestFingerprint(request));
    if (claim.kind !== 'claimed') return answerHeld(reply, claim);
    try {
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const bodyText = serialize(body);
      await this.store.complete(userId, key, {
        statusCode: reply.statusCode,
        bodyText: shownOnce.length === 0 ? bodyText : serialize(withoutFields(body, shownOnce)),
        headers: replayedHeaders(reply),
      });
      return asJsonText(reply, bodyText);
    } catch (error) {
      const refusal = refusalToKeep(error, request, reply);
      if (refusal) await this.store.complete(userId, key, refusal);
      else await this.store.release(userId, key).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs the command with no claim: its record commits with its events, and its answer is sent.
   * When it wrote none (a refusal, or a retry that found its command's events already written)
   * the answer's record is written alone, in one statement. When the key is held (the record with
   * the events, or alone, was refused) the answer is what holds it: a replay, 422 or 409. Another
   * request with this key running in this process gets 409 at once; in another process, it loses
   * the race for the record and replays.
   */
  private async runRecordedWithEvents(
    request: LedgerRequest,
    reply: FastifyReply,
    userId: string,
    key: string,
    next: CallHandler,
  ) {
    const scoped = `${userId}\n${key}`;
    if (this.running.has(scoped)) return answerHeld(reply, { kind: 'in_use' });
    this.running.add(scoped);
    try {
      const fingerprint = requestFingerprint(request);
      // Nest set the route's status before interceptors run: it is the answer's.
      const statusCode = reply.statusCode;
      const recording = new AnswerRecording((bodyText) =>
        this.store.answerRecord(userId, key, fingerprint, { statusCode, bodyText, headers: {} }),
      );
      attachAnswerRecording(request, recording);
      let answer: StoredResponse;
      let refusal: unknown;
      try {
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        if (recording.committedBodyText !== undefined) return asJsonText(reply, recording.committedBodyText);
        answer = { statusCode, bodyText: serialize(body), headers: replayedHeaders(reply) };
      } catch (error) {
        if (error instanceof RecordTakenError)
          return answerHeld(reply, await this.store.held(userId, key, fingerprint));
        const kept = refusalToKeep(error, request, reply);
        if (!kept) throw error;
        answer = kept;
        refusal = error;
      }
      if (!(await this.store.recordAnswer(userId, key, fingerprint, answer))) {
        return answerHeld(reply, await this.store.held(userId, key, fingerprint));
      }
      if (refusal) throw refusal;
      return asJsonText(reply, answer.bodyText);
    } finally {
      this.running.delete(scoped);
    }
  }
}

/** The answer when a key is not this request's: a replay of what it holds, or why not. */
function answerHeld(reply: FastifyReply, held: Held): string | undefined {
  switch (held.kind) {
    case 'reused':
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
    case 'in_use':
      void reply.header('Retry-After', RETRY_AFTER_SECONDS);
      throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running.');
    case 'replay': {
      const { statusCode, bodyText, headers } = held.response;
      void reply.status(statusCode).headers(headers).header('Idempotent-Replayed', 'true');
      return asJsonText(reply, bodyText);
    }
  }
}

/**
 * A command's refusal as the key keeps it (a 4xx decided by the ledger), or undefined for what
 * keeps nothing: a 5xx, which a retry may fix, and refusals before the command ran.
 */
function refusalToKeep(error: unknown, request: LedgerRequest, reply: FastifyReply): StoredResponse | undefined {
  const { status, body } = describeException(error, request);
  if (status >= 500 || REFUSED_BEFORE_COMMAND.has(String(body.error))) return undefined;
  return {
    statusCode: status,
    // The exception filter sends this very body: the same serialization gives the same bytes.
    bodyText: serialize(withRequestId(body, request)),
    headers: replayedHeaders(reply),
  };
}

/** The body as the text given, which Nest sends as it is (a string is not serialized again). */
function asJsonText(reply: FastifyReply, bodyText: string | null): string | undefined {
  if (bodyText === null) return undefined;
  void reply.header('Content-Type', JSON_CONTENT_TYPE);
  return bodyText;
}

function replayedHeaders(reply: FastifyReply): Record<string, string> {
  return Object.fromEntries(
    REPLAYED_HEADERS.flatMap((name) => {
      const value = reply.getHeader(name);
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
}

function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !fields.includes(name)));
}

const invalidKey = (problem: string) =>
  new ApiError(400, 'validation_failed', 'The request is invalid.', [
    { field: 'Idempotency-Key', problems: [problem] },
  ]);

/** How many times the request carried a header (`rawHeaders` alternates names and values). */
const timesSent = (request: LedgerRequest, lowerCaseName: string) =>
  request.raw.rawHeaders.filter((entry, index) => index % 2 === 0 && entry.toLowerCase() === lowerCaseName).length;
