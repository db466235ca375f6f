import { randomUUID } from 'node:crypto';
import { EventMetadata } from '@ledger/event-store';
import type { AnswerRecording } from './answer-recording';
import { deterministicUuid } from './deterministic-id';

/** Who asked, under which request and idempotency key: what every command carries. */
export interface CommandContext {
  userId: string;
  requestId: string;
  idempotencyKey: string | undefined;
  /** The work this command continues (the transfer's, for the bank dispatcher); else its request's. */
  correlationId?: string;
  /** Set when the request's idempotency record is to commit with this command's events. */
  answer?: AnswerRecording;
}

export function eventMetadata(context: CommandContext): EventMetadata {
  return {
    correlationId: context.correlationId ?? context.requestId,
    requestId: context.requestId,
    userId: context.userId,
  };
}

/**
 * The id of what a command creates: derived from the caller and its Idempotency-Key when there is
 * one, so that a retry after a crash creates the same thing, else random.
 */
export function newEntityId(kind: string, context: CommandContext): string {
  return context.idempotencyKey ? deterministicUuid(kind, context.userId, context.idempotencyKey) : randomUUID();
}

/** Event ids derived from the entity they belong to and the command's step. */
export function eventIdFor(entityId: string, step: string) {
  return (index: number) => deterministicUuid('event', entityId, step, String(index));
}
