/**
 * The event store port. Semantics follow KurrentDB (EventStoreDB) so that both adapters mean the
 * same thing: 0-based bigint revisions per stream, expected revisions enforced on append, a
 * totally ordered `$all`, and catch-up subscriptions that deliver history, then live events.
 */

export const EVENT_STORE = Symbol('EVENT_STORE');

/** `no_stream`: the stream must not exist; `stream_exists`: it must; `any`: no check; bigint: its last revision. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  userId?: string;
  [key: string]: unknown;
}

export interface EventData<Type extends string = string, Data = unknown> {
  /** A UUID. Appending the same ids again is recognised and writes nothing. */
  id: string;
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/** A place in `$all`. Opaque outside the adapters; compare with `comparePositions`. */
export interface Position {
  commit: bigint;
  prepare: bigint;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  streamName: string;
  revision: bigint;
  position: Position;
  createdAt: Date;
}

export interface AppendRequest {
  streamName: string;
  expectedRevision: ExpectedRevision;
  events: EventData[];
}

export interface AppendOptions {
  /**
   * Appends made earlier through this store, still in flight, that this one was decided on:
   * should one of them fail, this one is not written and fails with DecidedOnFailedAppendError,
   * even if its expected revisions hold (another writer put as many events there meanwhile).
   */
  after?: readonly Promise<unknown>[];
  /**
   * A record committed in the same transaction as the events (an idempotency record, say), or the
   * append fails with RecordTakenError and writes nothing. Opaque to the store: only stores that
   * say `recordsWithAppends` take one, and what it is written to is the application's (PostgreSQL:
   * its function `es_append_record`).
   */
  record?: AppendRecord;
}

/** A record to commit with an append (see `AppendOptions.record`): any JSON object. */
export type AppendRecord = Record<string, unknown>;

export interface AppendResult {
  /** Each stream's last revision after the append. */
  streams: { streamName: string; revision: bigint }[];
  /** Position of the last event written. */
  position: Position;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first event (forwards) or the last (backwards). */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface EventFilter {
  eventTypes?: readonly string[];
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. Defaults to the start of `$all`. */
  after?: Position;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive: events after this position. Defaults to the start of `$all`. */
  after?: Position;
  filter?: EventFilter;
}

/** Catch-up subscription: history, then live events, in `$all` order, until closed. */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /** Whether `append` takes `AppendOptions.record`. */
  readonly recordsWithAppends: boolean;
  /** All requests in one atomic write: every stream's expected revision holds and all are written, or nothing is. */
  append(requests: readonly AppendRequest[], options?: AppendOptions): Promise<AppendResult>;
  /** A stream's events; an empty list when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /**
   * The position of the last event a subscription from the start would deliver now (undefined
   * while `$all` is empty): a subscription from here delivers only what comes next.
   */
  headPosition(): Promise<Position | undefined>;
  /**
   * Roughly how many events of `$all` lie after `position` (for lag reporting); with `filter`,
   * only those it matches, so a consumer that has handled every event it subscribes to reads 0.
   */
  countAfter(position: Position | undefined, filter?: EventFilter): Promise<bigint>;
  /** Resolves when the store answers; for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or `no_stream` when it does not exist. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Wrong expected revision on ${streamName}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An append was decided on the outcome of an earlier one (`AppendOptions.after`) that failed. */
export class DecidedOnFailedAppendError extends Error {
  constructor() {
    super('Decided on an append that failed');
    this.name = 'DecidedOnFailedAppendError';
  }
}

/**
 * An append's record (`AppendOptions.record`) was refused, the place it takes being held, or its
 * events had already been written by another append (whose record, if any, is that one's): this
 * append wrote nothing.
 */
export class RecordTakenError extends Error {
  constructor() {
    super('The record of this append is already taken');
    this.name = 'RecordTakenError';
  }
}

/** Some but not all of an append's event ids were already written: a different append reused them. */
export class DuplicateEventIdError extends Error {
  constructor(readonly eventIds: readonly string[]) {
    super(`Event ids already written by another append: ${eventIds.join(', ')}`);
    this.name = 'DuplicateEventIdError';
  }
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function positionToString(position: Position): string {
  return `${position.commit}-${position.prepare}`;
}

/** Parses what `positionToString` wrote; undefined for anything else. */
export function parsePosition(text: string): Position | undefined {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(text);
  if (!match) return undefined;
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

export function matchesFilter(event: { type: string; streamName: string }, filter?: EventFilter): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamName.startsWith(prefix))) {
    return false;
  }
  return true;
}
