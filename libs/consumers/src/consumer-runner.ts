import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import { createPool, MigrationSet } from '@ledger/database';
import {
  comparePositions,
  EventStore,
  matchesFilter,
  Position,
  positionToString,
  RecordedEvent,
} from '@ledger/event-store';
import { AllReader, AllReaderOptions } from './all-reader';
import { moveCheckpoint, readCheckpoint, readCheckpoints } from './checkpoints';
import { Consumer, Projection, Reactor } from './consumer';
import { ProjectionCommits } from './projection-commits';

export const CONSUMER_MIGRATIONS: MigrationSet = { dir: join(__dirname, 'migrations'), table: 'consumer_migrations' };

export interface ConsumerRunnerOptions {
  /** Most events a projection applies in one transaction. */
  batchSize?: number;
  /** How often a standby instance tries to take over leadership. */
  standbyRetryMs?: number;
  onError?: (consumerName: string, error: unknown) => void;
  /** Names this process as a consumer's leader (default: host, pid and a random suffix). */
  instanceId?: string;
  /** How much of `$all` the process keeps in memory for its consumers (see `AllReader`). */
  reader?: AllReaderOptions;
}

/** What a consumer failed with last, kept for the operators' dashboard. */
export interface ConsumerError {
  message: string;
  at: Date;
}

/** `leading`: this instance processes; `standby`: another instance holds the lead; `retrying`: after a failure. */
export type ConsumerState = 'starting' | 'leading' | 'standby' | 'retrying' | 'stopped';

export interface ConsumerStatus {
  name: string;
  kind: Consumer['kind'];
  state: ConsumerState;
  /** Opaque `$all` position of the last event applied, or null before the first. */
  position: string | null;
  /**
   * Events it handles still to come: after as far as it has read here, else after its checkpoint
   * (for KurrentDB, counted up to 1 000).
   */
  lag: bigint;
  updatedAt: Date | null;
  /** The last failure of this consumer in this process, or null. */
  lastError: ConsumerError | null;
  /** Events this process has applied or handled for it since start (a rate is its change over time). */
  processed: number;
}

/** PostgreSQL keeps application names to 63 bytes; the lock connection's names the instance. */
const LOCK_APPLICATION_PREFIX = 'ledger-consumer-lock:';

/**
 * Runs named projections and reactors over `$all` from checkpoints kept in PostgreSQL. Only one
 * instance of a named consumer runs at a time across processes: each holds a session advisory
 * lock on a dedicated connection, which PostgreSQL releases if the holder dies; checkpoints move
 * by compare-and-set, so a deposed leader cannot apply a batch twice. Within a process, one
 * `AllReader` reads `$all` for all consumers, and the projections woken by the same page write
 * it in one transaction (`ProjectionCommits`).
 */
export class ConsumerRunner {
  readonly instanceId: string;
  private readonly states = new Map<string, ConsumerState>();
  private readonly lastErrors = new Map<string, ConsumerError>();
  private readonly processed = new Map<string, number>();
  /**
   * How far each consumer this process leads has read `$all`: every event up to there it has
   * handled or does not subscribe to. Its checkpoint stays at the last event it handled, which may
   * be far behind (a reactor of rare events): counting its lag from there read all the events since.
   */
  private readonly readUpTo = new Map<string, Position | undefined>();
  private readonly abort = new AbortController();
  private readonly consumers: Consumer[] = [];
  /** The process's one reader of `$all`: its consumers and its followers (see `eventsAfter`) share its pages. */
  private readonly reader: AllReader;
  private pool: Pool | undefined;
  private commits: ProjectionCommits | undefined;
  private running: Promise<void>[] | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly databaseUrl: string,
    consumers: readonly Consumer[] = [],
    private readonly options: ConsumerRunnerOptions = {},
  ) {
    consumers.forEach((consumer) => this.register(consumer));
    this.reader = new AllReader(store, this.abort.signal, options.reader);
    this.instanceId = (options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`).slice(
      0,
      63 - LOCK_APPLICATION_PREFIX.length,
    );
  }

  /** Adds a consumer; only before start. */
  register(consumer: Consumer): void {
    if (this.running) throw new Error('Register consumers before starting the runner');
    if (this.consumers.some((known) => known.name === consumer.name)) {
      throw new Error(`Consumer names must be unique: ${consumer.name}`);
    }
    this.consumers.push(consumer);
  }

  /** The projections this runner drives. */
  projections(): Projection[] {
    return this.consumers.filter((consumer): consumer is Projection => consumer.kind === 'projection');
  }

  /** Names of the consumers of one kind that this runner drives. */
  names(kind: Consumer['kind']): string[] {
    return this.consumers.filter((consumer) => consumer.kind === kind).map((consumer) => consumer.name);
  }

  start(): void {
    // Each consumer waits on the runner's signal (a standby's retry), and so does the reader: more
    // than Node's default of 10 is no leak.
    setMaxListeners(this.consumers.length + 1, this.abort.signal);
    this.pool = createPool(
      this.databaseUrl,
      { max: this.consumers.length + 2, application_name: 'ledger-consumers' },
      (error) => this.options.onError?.('pool', error),
    );
    this.commits = new ProjectionCommits(this.pool);
    this.running = this.consumers.map((consumer) => this.keepRunning(consumer));
  }

  /**
   * The events of `$all` after `after` (up to `max`, at least one), waiting for them at the head;
   * empty once `signal` aborts or the runner stops. For a follower in this process that keeps no
   * checkpoint and needs no lead (the live channel): it takes the pages the consumers read, rather
   * than reading and decoding every event again.
   */
  eventsAfter(after: Position | undefined, max: number, signal: AbortSignal): Promise<readonly RecordedEvent[]> {
    return this.reader.next(after, max, signal);
  }

  /** Stops every consumer and closes the runner's connections. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAndClose();
    return this.stopping;
  }

  private async stopAndClose(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running ?? []);
    await this.pool?.end();
  }

  async status(): Promise<ConsumerStatus[]> {
    const checkpoints = new Map(
      (await readCheckpoints(this.started(this.pool))).map((checkpoint) => [checkpoint.name, checkpoint]),
    );
    // Consumers at one position with one filter share a count: projections of a page commit
    // together, so under a backlog ten of them counted the same events ten times over.
    const counts = new Map<string, Promise<bigint>>();
    const countAfter = (position: Position | undefined, filter: Consumer['filter']) => {
      const key = JSON.stringify([position ? positionToString(position) : null, filter ?? null]);
      if (!counts.has(key)) counts.set(key, this.store.countAfter(position, filter));
      return counts.get(key)!;
    };
    return Promise.all(
      this.consumers.map(async (consumer) => {
        const checkpoint = checkpoints.get(consumer.name);
        return {
          name: consumer.name,
          kind: consumer.kind,
          state: this.states.get(consumer.name) ?? 'stopped',
          position: checkpoint?.position ? positionToString(checkpoint.position) : null,
          // Only the events it handles: those after it that it does not subscribe to are nothing
          // left to do.
          lag: await countAfter(this.lagFrom(consumer.name, checkpoint?.position), consumer.filter),
          updatedAt: checkpoint?.updatedAt ?? null,
          lastError: this.lastErrors.get(consumer.name) ?? null,
          processed: this.processed.get(consumer.name) ?? 0,
        };
      }),
    );
  }

  /**
   * Whether every consumer has read `$all` up to `position` in this process (handled or skipped
   * every event up to there): false for one led elsewhere, or not yet.
   */
  hasReadUpTo(position: Position): boolean {
    return this.consumers.every((consumer) => {
      const read = this.readUpTo.get(consumer.name);
      return read !== undefined && comparePositions(read, position) >= 0;
    });
  }

  /** Where a consumer's lag starts: as far as it has read here (see readUpTo), if past its checkpoint. */
  private lagFrom(name: string, checkpoint: Position | undefined): Position | undefined {
    const read = this.readUpTo.get(name);
    if (!read) return checkpoint;
    return checkpoint && comparePositions(checkpoint, read) >= 0 ? checkpoint : read;
  }

  /**
   * The instance leading each consumer, by name, whichever process it is: the holder of the
   * consumer's advisory lock, named by its lock connection. Consumers nobody leads are absent.
   */
  async leaders(): Promise<Map<string, string>> {
    const { rows } = await this.started(this.pool).query<{ name: string; application_name: string }>(
      `SELECT consumer.name, activity.application_name
         FROM unnest($1::text[]) AS consumer(name)
         JOIN pg_locks lock ON lock.locktype = 'advisory' AND lock.granted AND lock.objsubid = 1
          AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((lock.classid::bigint << 32) | lock.objid::bigint) = hashtext('ledger-consumer:' || consumer.name)::bigint
         JOIN pg_stat_activity activity ON activity.pid = lock.pid`,
      [this.consumers.map((consumer) => consumer.name)],
    );
    return new Map(
      rows
        .filter((row) => row.application_name.startsWith(LOCK_APPLICATION_PREFIX))
        .map((row) => [row.name, row.application_name.slice(LOCK_APPLICATION_PREFIX.length)]),
    );
  }

  private started<T>(part: T | undefined): T {
    if (!part) throw new Error('The consumer runner has not started');
    return part;
  }

  /** Leads and processes until stopped; after a failure (a dropped connection, a handler error) it starts over from the checkpoint. */
  private async keepRunning(consumer: Consumer): Promise<void> {
    const { signal } = this.abort;
    const policy = retry(handleAll, { backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000 }) });
    policy.onRetry((reason) => {
      if (signal.aborted) return;
      this.states.set(consumer.name, 'retrying');
      if (!('error' in reason)) return;
      const { message } = reason.error instanceof Error ? reason.error : new Error(String(reason.error));
      this.lastErrors.set(consumer.name, { message, at: new Date() });
      this.options.onError?.(consumer.name, reason.error);
    });
    this.states.set(consumer.name, 'starting');
    while (!signal.aborted) {
      const led = await policy.execute(() => this.leadAndProcess(consumer, signal), signal).catch(() => false);
      if (!led && !signal.aborted)
        await delay(this.options.standbyRetryMs ?? 1_000, undefined, { signal }).catch(() => undefined);
    }
    this.states.set(consumer.name, 'stopped');
  }

  /** Returns false when another instance leads this consumer. */
  private async leadAndProcess(consumer: Consumer, signal: AbortSignal): Promise<boolean> {
    const lock = new Client({
      connectionString: this.databaseUrl,
      application_name: `${LOCK_APPLICATION_PREFIX}${this.instanceId}`,
    });
    const lost = new AbortController();
    const onLost = () => lost.abort(new Error(`Leadership connection of ${consumer.name} was lost`));
    lock.on('error', onLost);
    lock.on('end', onLost);
    const stopOrLost = AbortSignal.any([signal, lost.signal]);
    try {
      await lock.connect();
      const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        `ledger-consumer:${consumer.name}`,
      ]);
      if (!rows[0].locked) {
        this.states.set(consumer.name, 'standby');
        return false;
      }
      this.states.set(consumer.name, 'leading');
      await (consumer.kind === 'projection' ? this.project(consumer, stopOrLost) : this.react(consumer, stopOrLost));
      if (lost.signal.aborted) throw lost.signal.reason;
      return true;
    } finally {
      // Led elsewhere from now, or again from its checkpoint: what this process read says nothing.
      this.readUpTo.delete(consumer.name);
      lock.off('end', onLost);
      await lock.end().catch(() => undefined);
    }
  }

  private async project(projection: Projection, signal: AbortSignal): Promise<void> {
    const commits = this.started(this.commits);
    let checkpoint = (await readCheckpoint(this.started(this.pool), projection.name)).position;
    let read = checkpoint;
    this.readUpTo.set(projection.name, read);
    while (!signal.aborted) {
      const page = await this.reader.next(read, this.options.batchSize ?? 500, signal);
      const batch = page.filter((event) => matchesFilter(event, projection.filter));
      if (batch.length > 0) {
        await commits.commit(projection, checkpoint, batch).catch((error: unknown) => {
          throw new ConsumerFailure(batch, error);
        });
        checkpoint = batch[batch.length - 1].position;
        this.count(projection.name, batch.length);
      }
      read = page.at(-1)?.position ?? read;
      this.readUpTo.set(projection.name, read);
    }
  }

  private count(name: string, events: number): void {
    this.processed.set(name, (this.processed.get(name) ?? 0) + events);
  }

  private async react(reactor: Reactor, signal: AbortSignal): Promise<void> {
    const pool = this.started(this.pool);
    let checkpoint = (await readCheckpoint(pool, reactor.name)).position;
    let read = checkpoint;
    this.readUpTo.set(reactor.name, read);
    while (!signal.aborted) {
      for (const event of await this.reader.next(read, this.options.batchSize ?? 500, signal)) {
        if (signal.aborted) return;
        if (matchesFilter(event, reactor.filter)) {
          await reactor.handle(event).catch((error: unknown) => {
            throw new ConsumerFailure([event], error);
          });
          await moveCheckpoint(pool, reactor.name, checkpoint, event.position);
          checkpoint = event.position;
          this.count(reactor.name, 1);
        }
        read = event.position;
        this.readUpTo.set(reactor.name, read);
      }
    }
  }
}

/**
 * A consumer failed on these events (a projection's batch, a reactor's one event): the ids its log
 * line carries. `cause` is what was thrown.
 */
export class ConsumerFailure extends Error {
  override name = 'ConsumerFailure';
  /** The first event of the batch, and how many there were. */
  readonly event: { id: string; streamName: string; type: string; correlationId: string | undefined };
  readonly events: number;

  constructor(batch: readonly RecordedEvent[], cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    const [first] = batch;
    this.event = {
      id: first.id,
      streamName: first.streamName,
      type: first.type,
      correlationId: first.metadata.correlationId,
    };
    this.events = batch.length;
  }
}
