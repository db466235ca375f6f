import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import {
  AppendOptions,
  AppendRecord,
  AppendRequest,
  AppendResult,
  DecidedOnFailedAppendError,
  DuplicateEventIdError,
  EventMetadata,
  EventStore,
  Position,
  RecordTakenError,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { DomainError, DomainErrorCode, DomainRefusal } from '@ledger/ledger-domain';
import { KeyedQueue } from './keyed-queue';
import { LruCache } from './lru-cache';
import { toDomainEvent, toEventData } from './recorded-events';

export type Revision = bigint | 'no_stream';

/** A stream's state as read: a fold of its events up to `revision`. */
export interface Loaded<State> {
  state: State;
  /** Last revision read, or `no_stream`: the expected revision for the next append. */
  revision: Revision;
  /** Position of the last event read. */
  position: Position | undefined;
}

/** A command that already ran, as its stream shows it: its own events and the state right after them. */
export interface OwnEvents<State, Event> {
  state: State;
  events: Event[];
  /** Position of the last of its events on this stream. */
  position: Position;
}

/** A stream a command reads, and may write. */
export interface StreamSpec<State = unknown, Event = unknown> {
  name: string;
  evolve: (state: State, event: Event) => State;
  initialState: State;
  /** Commands naming this stream queued wait for each other in this process (see `handle`). */
  queued?: boolean;
  /**
   * Read with no append in flight: for a stream this command may write at any revision while
   * another command's append on it may still fail (see `loadSettled`).
   */
  settled?: boolean;
  /**
   * The command checks on this stream only facts that never change once it holds them (an
   * account is open, its currency): a state in memory serves, however many events were appended
   * since, even when the command writes it at any revision (see `attempt`).
   */
  lastingFactsOnly?: boolean;
  /**
   * A stream this command creates as a rule (its id is the request's, which a client rarely
   * sends twice): the first attempt of a command with a `record` takes it to have no events
   * without reading it, and its append at `no_stream` proves that. Should the stream exist after
   * all (a retry whose answer was lost), that append fails and the next attempt reads it; a
   * decision that does not append to it is made again on it as read (see `attempt`).
   */
  presumedNew?: boolean;
}

type AnySpec = StreamSpec<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type StreamSpecs = Record<string, AnySpec>;
type StateOf<Spec> = Spec extends StreamSpec<infer State, infer _Event> ? State : never;
type EventOf<Spec> = Spec extends StreamSpec<infer _State, infer Event> ? Event : never;
export type StatesOf<Streams extends StreamSpecs> = { [Key in keyof Streams]: StateOf<Streams[Key]> };
/** Events to append, per stream. */
export type EventsOf<Streams extends StreamSpecs> = { [Key in keyof Streams]?: readonly EventOf<Streams[Key]>[] };

/**
 * What a command's `decide` answers: the events to append per stream, each at the exact revision
 * read unless named in `anyRevision` (a credit, a release: nothing was checked), or a refusal,
 * possibly with events recorded anyway (a late capture expires the payment, then fails).
 * `refusesPart` marks a go-ahead that refuses some of what it was asked (items of a batch): no
 * append proves those refusals, so, as a refusal, it stands only on states read from the store
 * with no append in flight.
 */
export type Decision<Streams extends StreamSpecs> =
  | { ok: true; events: EventsOf<Streams>; anyRevision?: readonly (keyof Streams)[]; refusesPart?: boolean }
  | {
      ok: false;
      error: DomainError<DomainErrorCode>;
      events?: EventsOf<Streams>;
      anyRevision?: readonly (keyof Streams)[];
    };

/** One command, as every handler gives it to `handle`. */
export interface CommandSpec<Streams extends StreamSpecs, D extends Decision<Streams>> {
  streams: Streams;
  /** Pure: the command's outcome on the states read, at `now` (the service's clock). */
  decide(states: StatesOf<Streams>, now: Date): D;
  /**
   * The ids of the events a decision appends to a stream, derived from the command (and, if need
   * be, the revisions it was decided on) so that a retry writes nothing twice.
   */
  eventIds(
    stream: keyof Streams,
    decided: { decision: D | Decision<Streams>; revisions: { [Key in keyof Streams]: Revision } },
  ): (index: number) => string;
  metadata: EventMetadata;
  /** Committed with the events of a decision to go ahead; only for a store that `recordsWithAppends`. */
  record?: CommandRecord<NoInfer<Streams>>;
}

/**
 * A record to commit in the same transaction as a command's events (`AppendOptions.record`): the
 * answer to its request, say, known from the decision before the append. A command that appends
 * nothing (a refusal, a retry that finds its own events) records nothing; a record refused by the
 * store fails the command with RecordTakenError, which is not decided again.
 */
export interface CommandRecord<Streams extends StreamSpecs> {
  /** The record of a decision to go ahead, from the states its events leave. */
  of(states: StatesOf<Streams>): AppendRecord;
  /** The append carrying the record committed. */
  committed(): void;
}

/** A command carried out: its decision, the states it left, and where its append landed (none if it wrote nothing). */
export interface Handled<Streams extends StreamSpecs, D> {
  decision: Extract<D, { ok: true }>;
  states: StatesOf<Streams>;
  position: Position | undefined;
}

/** States of the streams it covers as of a revision, kept outside the write path. */
export interface SnapshotSource {
  /** Whether such streams are snapshotted at all; others are read from their start without asking. */
  covers(streamName: string): boolean;
  read(streamName: string): Promise<{ revision: bigint; state: unknown; position: Position } | undefined>;
}

export interface Clock {
  now(): Date;
}

export interface EventSourcingOptions {
  /** Streams whose last state read stays in memory (the least recently used go first). */
  cachedStreams: number;
  snapshots?: SnapshotSource;
  clock: Clock;
}

/** A state the cache holds, named by its generation. */
interface CachedState extends Loaded<unknown> {
  /**
   * New for every state recorded: a writer over a state records its own only while the cache
   * still holds that generation, else something changed underneath (a failed append, newer events).
   */
  generation: number;
  /** The append whose events this state counts while it has not committed (see `handle`). */
  pending?: Promise<unknown>;
}

/** Events a decision appends at any revision: nothing was checked on the state they follow. */
interface UncheckedAppend {
  streamName: string;
  events: readonly unknown[];
  evolve: (state: unknown, event: unknown) => unknown;
}

/** A stream's state as a command read it; `held` when it came from memory, not the store. */
type StreamRead<State> = Read<State> & { held?: boolean };
type StreamReads<Streams extends StreamSpecs> = { [Key in keyof Streams]: StreamRead<StateOf<Streams[Key]>> };

const keysOf = <Streams extends StreamSpecs>(streams: Streams, which: (spec: AnySpec) => boolean) =>
  (Object.keys(streams) as (keyof Streams)[]).filter((key) => which(streams[key]));

const statesOf = <Streams extends StreamSpecs>(reads: StreamReads<Streams>) =>
  mapStreams(Object.keys(reads), (key) => reads[key].state) as StatesOf<Streams>;

/**
 * What a load answers inside the service: the cache's entry when it kept one (`generation`
 * undefined: there was none, for a stream with no events), `STALE` when the cache changed while
 * it read, so nothing may be recorded over it.
 */
type Read<State> = Loaded<State> & { generation?: number; pending?: Promise<unknown> };
const STALE = -1;

/** Times a refusal waits for the appends in flight it counted before it is left to the retries. */
const MAX_WAITS_FOR_REFUSALS = 3;

/** A decision was made on state that has since changed; decide again. */
export class StaleDecisionError extends Error {
  constructor() {
    super('Decided on state that counted appends then in flight');
    this.name = 'StaleDecisionError';
  }
}

/**
 * Someone else wrote first, or an append decided upon failed: decide again on fresh state.
 * Bounded, with jittered exponential backoff.
 */
const retryOnConflict = retry(
  handleType(WrongExpectedRevisionError).orType(StaleDecisionError).orType(DecidedOnFailedAppendError),
  {
    maxAttempts: 20,
    backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 200 }),
  },
);

/**
 * The write path's one way of carrying out a command (`handle`), and of reading an aggregate
 * (`load`). The last state read of each stream stays in memory, so a later load reads only the
 * events appended since: a busy account costs what a new one does. States are pure folds of
 * events, so a cached state plus newer events is exact.
 *
 * Loads started together leave together: with no snapshot to ask for first, a load's stream read
 * is started synchronously, and the event store sends the reads of one tick in one query.
 */
export class EventSourcing {
  private readonly cache: LruCache<string, CachedState>;
  private readonly queue = new KeyedQueue();
  private lastGeneration = 0;

  constructor(
    private readonly store: EventStore,
    private readonly options: EventSourcingOptions,
  ) {
    this.cache = new LruCache(options.cachedStreams);
  }

  /** Sizes for the metrics: the states kept, and the keys with commands queued. */
  get sizes(): { streamStates: { size: number; capacity: number }; queues: { size: number } } {
    return { streamStates: this.cache, queues: this.queue };
  }

  /** A stream's state as stored, or counting an append still in flight (see `handle`). */
  async load<State, Event>(spec: StreamSpec<State, Event>): Promise<Loaded<State>> {
    const { state, revision, position } = await this.read(spec);
    return { state, revision, position };
  }

  /**
   * The state with no append in flight: for writers outside the stream's queue at any revision,
   * whose append landing between a pending append and the next one decided on it would make the
   * first fail and could let the next pass at a revision it did not mean.
   */
  async loadSettled<State, Event>(spec: StreamSpec<State, Event>): Promise<Loaded<State>> {
    const { state, revision, position } = await this.readSettled(spec);
    return { state, revision, position };
  }

  /**
   * Finds a command's own events on a stream by their deterministic ids (`idFor`), so that a
   * retry of a command that already ran (its process died, or its answer was lost) answers what
   * the first attempt answered, from the stream as it stood right after them, and writes nothing.
   */
  async findOwnEvents<State, Event>(
    { name, evolve, initialState }: StreamSpec<State, Event>,
    idFor: (index: number) => string,
  ): Promise<OwnEvents<State, Event> | undefined> {
    const history = await this.store.readStream(name);
    const first = history.findIndex((event) => event.id === idFor(0));
    if (first < 0) return undefined;
    let last = first;
    while (history[last + 1]?.id === idFor(last + 1 - first)) last += 1;
    const upToOwn = history.slice(0, last + 1).map((event) => toDomainEvent<Event>(event));
    return {
      state: upToOwn.reduce(evolve, initialState),
      events: upToOwn.slice(first),
      position: history[last].position,
    };
  }

  /**
   * Carries out a command: in the queues of its queued streams, loads its streams, decides, and
   * starts the append. The queues are held while deciding and starting the append, not while it
   * commits: each stream appended at its exact revision is recorded at once as its state after
   * the append, so the next command on it decides on this one's outcome meanwhile, and their
   * appends share a group commit. Should this append fail, those states are dropped and every
   * append decided on them fails its expected revision: nothing is ever written on a state that
   * was not committed. Conflicts are decided again; a refusal decided on states counting appends
   * in flight waits for them and is decided again.
   *
   * The streams it does not queue on are read before it waits in the queues: no command ahead of
   * it in them changes those (a stream two commands of a queue both write at its revision is
   * queued, or one of them decides again).
   */
  handle<Streams extends StreamSpecs, D extends Decision<Streams>>(
    command: CommandSpec<Streams, D>,
  ): Promise<Handled<Streams, D>> {
    const keys = Object.values(command.streams)
      .filter((spec) => spec.queued)
      .map((spec) => spec.name);
    // Only with a record: should a stream presumed new exist, the store then refuses the record
    // over events it finds written, where it would take an append of the same event ids for written.
    const presumes = command.record !== undefined && Object.values(command.streams).some((spec) => spec.presumedNew);
    return retryOnConflict.execute(async ({ attempt }) => {
      // Only a first attempt presumes: a later one may follow an append that found the stream.
      const presumeNew = presumes && attempt === 0;
      const unqueued = this.readStreams(
        command.streams,
        keysOf(command.streams, (spec) => !spec.queued),
        { presumeNew },
      );
      // A failed read is answered in the queue, where it is awaited.
      unqueued.catch(() => undefined);
      const { committed } = await this.queue.runAll(keys, () => this.attempt(command, unqueued, presumeNew));
      return presumeNew ? committed.catch(decidedOnPresumption) : committed;
    });
  }

  /**
   * Decides on the states in memory where it holds them, with no read: an append at the exact
   * revision decided on proves its state was the latest. A decision that such an append would not
   * prove (a refusal, a state it does not write at its revision) is decided again on states read
   * from the store. A refusal decided on states counting appends in flight may be wrong if one of
   * them fails: it waits for them here, in the queues, so that no later command's append is in
   * flight on its queued streams when it is decided again on what was committed.
   */
  private async attempt<Streams extends StreamSpecs, D extends Decision<Streams>>(
    command: CommandSpec<Streams, D>,
    unqueued: Promise<Partial<StreamReads<Streams>>>,
    presumeNew: boolean,
  ): Promise<{ committed: Promise<Handled<Streams, D>> }> {
    const queued = this.readStreams(
      command.streams,
      keysOf(command.streams, (spec) => !!spec.queued),
      { presumeNew },
    );
    let reads = { ...(await unqueued), ...(await queued) } as StreamReads<Streams>;
    const now = this.options.clock.now();
    for (let waits = 0; ; waits++) {
      const decided = await this.decideProven(command, reads, now);
      const inFlight = refusesUnproven(decided.decision) ? pendingOf(decided.reads) : [];
      if (inFlight.length === 0) return this.carryOut(command, decided.reads, decided.decision);
      // Only streams it does not queue on can have appends in flight again: left to the retries.
      if (waits === MAX_WAITS_FOR_REFUSALS) throw new StaleDecisionError();
      await Promise.allSettled(inFlight);
      reads = (await this.readStreams(command.streams, Object.keys(command.streams), {
        fromStore: true,
      })) as StreamReads<Streams>;
    }
  }

  /** The decision on `reads`, made again on the store's states unless an append would prove it. */
  private async decideProven<Streams extends StreamSpecs, D extends Decision<Streams>>(
    command: CommandSpec<Streams, D>,
    reads: StreamReads<Streams>,
    now: Date,
  ): Promise<{ reads: StreamReads<Streams>; decision: Decision<Streams> }> {
    const decision: Decision<Streams> = command.decide(statesOf(reads), now);
    const held = (Object.keys(reads) as (keyof Streams)[]).filter((key) => reads[key].held);
    if (provenByAppend(command.streams, held, decision)) return { reads, decision };
    const stored = {
      ...reads,
      ...(await this.readStreams(command.streams, held, { fromStore: true })),
    } as StreamReads<Streams>;
    // The store had nothing newer: the states are the same, and so is the decision.
    const same = held.every((key) => stored[key].generation === reads[key].generation);
    return { reads: stored, decision: same ? decision : command.decide(statesOf(stored), now) };
  }

  /** Starts the append of a decision, or answers its refusal (what it records anyway written first). */
  private async carryOut<Streams extends StreamSpecs, D extends Decision<Streams>>(
    command: CommandSpec<Streams, D>,
    reads: StreamReads<Streams>,
    decision: Decision<Streams>,
  ): Promise<{ committed: Promise<Handled<Streams, D>> }> {
    if (decision.ok) return { committed: this.submit(command, reads, decision as Extract<D, { ok: true }>) };
    if (decision.events) await this.submit(command, reads, decision);
    throw new DomainRefusal(decision.error);
  }

  /**
   * The states of the streams of `keys`: from memory where held, unless `fromStore`; a stream
   * `presumedNew` the memory does not hold, when `presumeNew`, as new, held as though in memory.
   */
  private async readStreams<Streams extends StreamSpecs>(
    streams: Streams,
    keys: readonly (keyof Streams)[],
    { fromStore = false, presumeNew = false } = {},
  ): Promise<Partial<StreamReads<Streams>>> {
    const reads = await Promise.all(
      keys.map(async (key): Promise<StreamRead<unknown>> => {
        const spec = streams[key];
        if (spec.settled) return this.readSettled(spec);
        if (fromStore) return this.read(spec);
        const held = this.cache.get(spec.name);
        if (held) return { ...held, held: true };
        if (presumeNew && spec.presumedNew) {
          return { state: spec.initialState, revision: 'no_stream', position: undefined, held: true };
        }
        return this.read(spec);
      }),
    );
    return Object.fromEntries(keys.map((key, index) => [key, reads[index]])) as Partial<StreamReads<Streams>>;
  }

  /** Starts the append of a decision's events, recording ahead the states it leaves. */
  private submit<Streams extends StreamSpecs, D extends Decision<Streams>>(
    command: CommandSpec<Streams, D>,
    read: StreamReads<Streams>,
    decision: Extract<D, { ok: true }> | Extract<Decision<Streams>, { ok: false }>,
  ): Promise<Handled<Streams, D>> {
    const keys = Object.keys(command.streams) as (keyof Streams)[];
    const revisions = mapStreams(keys, (key) => read[key].revision) as { [Key in keyof Streams]: Revision };
    const requests: AppendRequest[] = [];
    const ahead: { streamName: string; base: Read<unknown>; after: Loaded<unknown> }[] = [];
    const unchecked: UncheckedAppend[] = [];
    const states = mapStreams(keys, (key) => {
      const spec = command.streams[key];
      const base = read[key];
      const events = decision.events?.[key] ?? [];
      if (events.length === 0) return base.state;
      const exact = !decision.anyRevision?.includes(key);
      requests.push({
        streamName: spec.name,
        expectedRevision: exact ? base.revision : 'any',
        events: toEventData(events, command.eventIds(key, { decision, revisions }), command.metadata),
      });
      const state = events.reduce(spec.evolve, base.state);
      if (!exact) unchecked.push({ streamName: spec.name, events, evolve: spec.evolve });
      // Recorded ahead over a state the cache holds, or for the next command in the stream's queue.
      if (exact && (base.generation !== undefined || spec.queued)) {
        const revision = (base.revision === 'no_stream' ? -1n : base.revision) + BigInt(events.length);
        ahead.push({ streamName: spec.name, base, after: { state, revision, position: undefined } });
      }
      return state;
    }) as StatesOf<Streams>;
    const answer = (position: Position | undefined) => ({
      decision: decision as Extract<D, { ok: true }>,
      states,
      position,
    });
    if (requests.length === 0) return Promise.resolve(answer(undefined));
    // The appends in flight this decision counts: should one fail, so does this one.
    const after = keys.flatMap((key) => (read[key].pending ? [read[key].pending] : []));
    const record = decision.ok ? command.record : undefined;
    const recorded = record?.of(states);
    return this.appendAhead(requests, { after, record: recorded }, ahead).then((result) => {
      unchecked.forEach((append) => this.recordCommitted(append, result));
      record?.committed();
      return answer(result.position);
    });
  }

  /**
   * Appends, and before the commit records each `ahead` stream's state after the append as its
   * latest, over the very state decided on (had that been dropped or replaced meanwhile, the
   * append fails its expected revision anyway). Once committed, the states are marked so; should
   * the append fail, they are dropped.
   */
  private appendAhead(
    requests: readonly AppendRequest[],
    options: AppendOptions,
    ahead: readonly { streamName: string; base: Read<unknown>; after: Loaded<unknown> }[],
  ): Promise<AppendResult> {
    const committed = this.store.append(requests, options);
    for (const { streamName, base, after } of ahead) {
      if (this.cache.peek(streamName)?.generation === base.generation) {
        this.record(streamName, after, committed);
      }
    }
    committed.then(
      () =>
        ahead.forEach(({ streamName }) => {
          const latest = this.cache.peek(streamName);
          if (latest?.pending === committed) this.cache.set(streamName, { ...latest, pending: undefined });
        }),
      () => ahead.forEach(({ streamName }) => this.cache.delete(streamName)),
    );
    return committed;
  }

  /**
   * After an append at any revision commits, moves the cached state of its stream over its
   * events when they directly follow it: a busy payee is then read from where its own credits
   * left it, not from the last state a read brought (every payment in flight read the same
   * events again). Anything else between (another process's events, an earlier append still to
   * answer) leaves the entry alone, and the next read fetches the rest.
   */
  private recordCommitted({ streamName, events, evolve }: UncheckedAppend, result: AppendResult): void {
    const written = result.streams.filter((stream) => stream.streamName === streamName);
    const cached = this.cache.peek(streamName);
    if (written.length !== 1 || !cached || cached.pending || cached.revision === 'no_stream') return;
    if (cached.revision + BigInt(events.length) !== written[0].revision) return;
    this.record(streamName, {
      state: events.reduce(evolve, cached.state),
      revision: written[0].revision,
      position: undefined,
    });
  }

  private record<State>(streamName: string, loaded: Loaded<State>, pending?: Promise<unknown>): Read<State> {
    const entry = { ...loaded, generation: ++this.lastGeneration, pending };
    this.cache.set(streamName, entry);
    return entry;
  }

  private async read<State, Event>({ name, evolve, initialState }: StreamSpec<State, Event>): Promise<Read<State>> {
    for (;;) {
      const cached = this.cache.get(name) as (CachedState & Read<State>) | undefined;
      // Only a stream with a snapshot to ask for waits before its read (see the class comment).
      const known: Read<State> | undefined =
        cached ?? (this.options.snapshots?.covers(name) ? await this.fromSnapshot<State>(name) : undefined);
      const from = known && known.revision !== 'no_stream' ? known.revision + 1n : 0n;
      const events = await this.store.readStream(name, { fromRevision: from });
      // Recorded only over the entry this read started from: had it been dropped meanwhile (an
      // append it counted failed) or replaced, this read may count events never committed.
      const unchanged = this.cache.peek(name)?.generation === cached?.generation;
      const last = events[events.length - 1];
      if (!last) {
        if (known && !cached) return unchanged ? this.record(name, known) : { ...known, generation: STALE };
        return known ?? { state: initialState, revision: 'no_stream', position: undefined };
      }
      if (known?.pending) {
        // Events beyond a state that counts an append in flight: that state cannot be built upon.
        if (unchanged) this.cache.delete(name);
        continue;
      }
      const state = events.reduce(
        (current, recorded) => evolve(current, toDomainEvent<Event>(recorded)),
        known ? known.state : initialState,
      );
      const loaded = { state, revision: last.revision, position: last.position };
      return unchanged ? this.record(name, loaded) : { ...loaded, generation: STALE };
    }
  }

  private async readSettled<State, Event>(spec: StreamSpec<State, Event>): Promise<Read<State>> {
    for (;;) {
      const read = await this.read(spec);
      if (!read.pending) return read;
      await Promise.allSettled([read.pending]);
    }
  }

  private async fromSnapshot<State>(streamName: string): Promise<Loaded<State> | undefined> {
    const snapshot = await this.options.snapshots!.read(streamName);
    return snapshot && { state: snapshot.state as State, revision: snapshot.revision, position: snapshot.position };
  }
}

/**
 * Whether a decision made on the states in memory (`held`) stands without reading the store: it
 * goes ahead, refusing nothing, and appends to each such stream at the revision decided on, or
 * checks on it only facts that never change.
 */
function provenByAppend<Streams extends StreamSpecs>(
  streams: Streams,
  held: readonly (keyof Streams)[],
  decision: Decision<Streams>,
): boolean {
  if (held.length === 0) return true;
  if (!decision.ok || decision.refusesPart) return false;
  return held.every(
    (key) =>
      streams[key].lastingFactsOnly ||
      ((decision.events[key]?.length ?? 0) > 0 && !decision.anyRevision?.includes(key)),
  );
}

/**
 * What the append of a first attempt that presumed streams new fails with when one existed after
 * all and held this very command's events (its answer was lost, and with it its record): the
 * store finds them written, and refuses the record as another's. The command is decided again on
 * the streams as read, and answers from its own events.
 */
function decidedOnPresumption(error: unknown): never {
  if (error instanceof RecordTakenError || error instanceof DuplicateEventIdError) throw new StaleDecisionError();
  throw error;
}

/**
 * Whether a decision refuses something no append of its own proves: a refusal with nothing to
 * record, or a go-ahead refusing part of what it was asked. A refusal that records events is
 * written after the appends it counted, and fails with them.
 */
function refusesUnproven<Streams extends StreamSpecs>(decision: Decision<Streams>): boolean {
  return decision.ok ? !!decision.refusesPart : !decision.events;
}

/** The appends in flight that the states read count. */
function pendingOf(reads: Record<string, Read<unknown>>): Promise<unknown>[] {
  return Object.values(reads).flatMap((read) => (read.pending ? [read.pending] : []));
}

function mapStreams<Key extends PropertyKey>(keys: readonly Key[], value: (key: Key) => unknown): Record<Key, unknown> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<Key, unknown>;
}

/** A decision on one stream (its events, or a refusal) as a command's decision, appending to `stream`. */
export function appendingTo<Key extends string, Event>(
  stream: Key,
  decision: { ok: true; events: readonly Event[] } | { ok: false; error: DomainError<DomainErrorCode> },
): { ok: true; events: { [K in Key]: readonly Event[] } } | { ok: false; error: DomainError<DomainErrorCode> } {
  return decision.ok
    ? { ok: true, events: { [stream]: decision.events } as { [K in Key]: readonly Event[] } }
    : decision;
}
