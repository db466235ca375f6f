import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { ConsumerRunner } from '@ledger/consumers';
import { comparePositions, EVENT_STORE, EventStore, Position, RecordedEvent } from '@ledger/event-store';
import { Principal } from '../auth/principal';
import { LruCache } from '@ledger/event-sourcing';
import { Audience, audienceOf, Change, changeOf, needsAudience } from './change-notice';
import { LiveSession } from './live-session';

/** Streams whose audience (accounts, owners) is kept in memory; beyond, their first event is read again. */
const AUDIENCE_CACHE_ENTRIES = 50_000;
/** Events read per page while a session catches up, and taken at once from `$all` when live. */
const PAGE = 500;
/** A cursor further behind than this is not resumed: the client reloads instead (`reset`). */
export const MAX_CATCH_UP_EVENTS = 20_000;
const RETRY_AFTER_MS = 1_000;
const START: Position = { commit: 0n, prepare: 0n };

/** Told of every event the hub follows, in `$all` order (the work dashboard counts payments). */
export type EventObserver = (event: RecordedEvent) => void;

/**
 * The live channel's one follower of `$all` in this process, from the head at start-up, fanned out
 * to every session. It takes the pages the consumer runner reads for its consumers, so an event is
 * read and decoded once per process, not once more here. A session that resumes from a cursor
 * reads the history from the store while the hub keeps its live changes waiting; the session
 * drops whatever it has already passed.
 */
@Injectable()
export class LiveHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveHub');
  private readonly sessions = new Set<LiveSession>();
  private readonly observers = new Set<EventObserver>();
  private readonly audiences = new LruCache<string, Audience>(AUDIENCE_CACHE_ENTRIES);
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  /** The last position the hub has passed on: every later event reaches the sessions. */
  private position: Position = START;
  private readonly started: Promise<void>;
  private markStarted!: () => void;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ConsumerRunner,
  ) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  onApplicationBootstrap(): void {
    this.running = this.follow();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Ends every session and the following; new sessions are refused. Safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.markStarted();
    [...this.sessions].forEach((session) => session.close());
    await this.running;
  }

  observe(observer: EventObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Opens a session on `response`: from the hub's position when `after` is undefined, else from
   * `after` through the history, then live.
   */
  async connect(viewer: Principal, response: ServerResponse, after: Position | undefined): Promise<void> {
    await this.started;
    const session = new LiveSession(viewer, response, (closed) => this.sessions.delete(closed));
    if (this.abort.signal.aborted) return session.close();
    this.sessions.add(session);
    if (!after) return session.goLive(this.position);
    try {
      await this.catchUp(session, after);
    } catch (error) {
      this.logger.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'catch-up failed');
      session.close();
    }
  }

  private async catchUp(session: LiveSession, after: Position): Promise<void> {
    const head = (await this.store.headPosition()) ?? START;
    if (comparePositions(after, head) > 0) return session.reset('The cursor is ahead of this ledger: reload.');
    // Everything the hub passed on before this session joined is at or below `joined`; what it passes
    // on from now waits in the session. Reading history up to there (or its end) leaves no gap.
    const joined = this.position;
    let cursor = after;
    let read = 0;
    for (;;) {
      const page = await this.store.readAll({ after: cursor, maxCount: PAGE });
      if (session.closed) return;
      read += page.length;
      if (read > MAX_CATCH_UP_EVENTS) return session.reset('Too many changes since the cursor: reload.');
      for (const event of page) session.replay(event.position, await this.changeOf(event));
      if (page.length > 0) cursor = page[page.length - 1].position;
      if (page.length < PAGE || comparePositions(cursor, joined) >= 0) break;
    }
    session.goLive(cursor);
  }

  /** Follows `$all` from the head until stopped; after a failure, again from the last event passed on. */
  private async follow(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        if (this.position === START) this.position = (await this.store.headPosition()) ?? START;
        this.markStarted();
        for (;;) {
          const page = await this.runner.eventsAfter(this.position, PAGE, signal);
          // Empty only once this hub or the runner stops: the process is closing.
          if (page.length === 0) return;
          for (const event of page) await this.passOn(event);
        }
      } catch (error) {
        if (signal.aborted) break;
        this.logger.warn(
          { err: { type: (error as Error).name, message: (error as Error).message } },
          'following failed',
        );
        await delay(RETRY_AFTER_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async passOn(event: RecordedEvent): Promise<void> {
    for (const observer of this.observers) observer(event);
    // With no session the notice is not made (its audience may need a read): a session that joins
    // later starts from the position, which moves on at once here, with no await.
    if (this.sessions.size > 0) {
      const change = await this.changeOf(event);
      for (const session of this.sessions) session.offer(event.position, change);
    }
    this.position = event.position;
  }

  private async changeOf(event: RecordedEvent): Promise<Change> {
    if (!needsAudience(event.streamName)) return changeOf(event, undefined);
    if (event.revision === 0n) {
      const opened = audienceOf(event);
      if (opened) this.audiences.set(event.streamName, opened);
    }
    return changeOf(event, this.audiences.get(event.streamName) ?? (await this.readAudience(event.streamName)));
  }

  private async readAudience(streamName: string): Promise<Audience | undefined> {
    const [first] = await this.store.readStream(streamName, { maxCount: 1 });
    const audience = first ? audienceOf(first) : undefined;
    if (audience) this.audiences.set(streamName, audience);
    return audience;
  }
}
