import type { FastifyRequest } from 'fastify';
import { Principal } from './principal';
import { CommandContext } from '../shared/command-context';
import { answerRecordingOf } from '../shared/answer-recording';

/** The command context of an HTTP request: the caller, its request id and Idempotency-Key (and its answer's recording). */
export function commandContext(request: FastifyRequest, principal: Principal): CommandContext {
  const key = request.headers['idempotency-key'];
  return {
    userId: principal.userId,
    requestId: request.id,
    idempotencyKey: typeof key === 'string' ? key : undefined,
    answer: answerRecordingOf(request),
  };
}
