import { Injectable } from '@nestjs/common';
import { EventMetadata, Position } from '@ledger/event-store';
import { EventSourcing, StreamSpec, StreamSpecs } from '@ledger/event-sourcing';
import {
  AccountState,
  accountStreamName,
  BatchDecision,
  BatchMode,
  BatchRecorded,
  DomainError,
  DomainErrorCode,
  evolveAccount,
  initialAccountState,
} from '@ledger/ledger-domain';
import type { AnswerRecording } from './answer-recording';
import { eventIdFor } from './command-context';

type DomainEvent = { type: string; data: unknown };
type Recorded<Code extends DomainErrorCode> = BatchRecorded<string, Code>;

/** A batch command as its handler describes it: its streams, how their states are built, its decider. */
export interface BatchOfItems<Event extends DomainEvent, State, Code extends DomainErrorCode> {
  batchId: string;
  mode: BatchMode;
  /** Each item's own stream, which the batch creates. */
  itemStreams: readonly string[];
  /** Whether the caller chose each item's id: only such a stream may exist already, the others are not read. */
  idsChosen: readonly boolean[];
  /**
   * Other streams the items read, and may create (an item's events on them are its outcome's
   * `others`), each appended at the revision read: the claims on movements' ids.
   */
  otherStreams?: readonly StreamSpecs[string][];
  /** The accounts the items name; those in `checked` have their funds checked, so take their queues. */
  accountIds: readonly string[];
  checkedAccountIds: readonly string[];
  batchStream: string;
  evolve: (state: State, event: Event) => State;
  initialState: State;
  decide(
    states: State[],
    accounts: ReadonlyMap<string, AccountState>,
    now: Date,
    others: ReadonlyMap<string, unknown>,
  ): BatchDecision<Event, Code, Recorded<Code>>;
}

export type BatchItemResult<State, Code extends DomainErrorCode> =
  { ok: true; state: State } | { ok: false; error: DomainError<Code> };

export interface BatchOutcome<State, Code extends DomainErrorCode> {
  batchId: string;
  mode: BatchMode;
  items: BatchItemResult<State, Code>[];
}

export interface BatchResult<State, Code extends DomainErrorCode> extends BatchOutcome<State, Code> {
  position: Position;
}

/** The batch's answer, recorded with its events (see AnswerRecording): the body of an outcome. */
export interface BatchAnswer<State, Code extends DomainErrorCode> {
  recording: AnswerRecording;
  bodyOf(outcome: BatchOutcome<State, Code>): unknown;
}

const itemKey = (index: number) => `item:${index}`;
const accountKey = (accountId: string) => `account:${accountId}`;
const otherKey = (streamName: string) => `other:${streamName}`;

/**
 * Carries out a batch of items that each create a stream and move money on accounts, as one
 * command of the template (`EventSourcing.handle`): queued on the accounts whose funds are
 * checked, the items decided in order, and everything written in one append — the items' streams,
 * any other streams they create, each account's events, and last the batch's record, whose
 * position is the batch's. A batch is decided on the states the batch before it leaves while that
 * one's append is in flight, as a single payment is (their appends share a group commit); a batch
 * refusing some items waits for them (`refusesPart`). A retry that finds the record answers from
 * it, refusals included.
 */
@Injectable()
export class BatchCommands {
  constructor(private readonly eventSourcing: EventSourcing) {}

  async run<Event extends DomainEvent, State, Code extends DomainErrorCode>(
    batch: BatchOfItems<Event, State, Code>,
    metadata: EventMetadata,
    answer?: BatchAnswer<State, Code>,
  ): Promise<BatchResult<State, Code>> {
    const checked = new Set(batch.checkedAccountIds);
    const batchSpec: StreamSpec<Recorded<Code> | null, Recorded<Code>> = {
      name: batch.batchStream,
      evolve: (_, recorded) => recorded,
      initialState: null,
    };
    const streams: Record<string, StreamSpec<any, any>> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
    batch.itemStreams.forEach((name, index) => {
      // An id derived from the batch's is new as a rule, so not read first; but a caller can foresee
      // it (from its key) and give it to an item of another batch: then the append fails, and the
      // next attempt reads it and refuses that item as it does an id already used.
      const presumedNew = !batch.idsChosen[index];
      streams[itemKey(index)] = { name, evolve: batch.evolve, initialState: batch.initialState, presumedNew };
    });
    for (const spec of batch.otherStreams ?? []) streams[otherKey(spec.name)] = spec;
    for (const accountId of batch.accountIds) {
      streams[accountKey(accountId)] = {
        name: accountStreamName(accountId),
        evolve: evolveAccount,
        initialState: initialAccountState,
        queued: checked.has(accountId),
        // Credited at any revision: read with no append in flight (see StreamSpec.settled).
        settled: !checked.has(accountId),
      };
    }
    // Last, so that its event is the append's last: read models that reached it hold every item.
    streams.batch = batchSpec;
    // What the batch's record and its items' streams say: the answer, first and when retried.
    const outcomeOf = (states: Record<string, unknown>): BatchOutcome<State, Code> => {
      const { batchId, mode, items } = (states.batch as Recorded<Code>).data;
      return {
        batchId,
        mode,
        items: items.map(({ refusal }, index) =>
          refusal ? { ok: false, error: refusal } : { ok: true, state: states[itemKey(index)] as State },
        ),
      };
    };

    const { decision, states, position } = await this.eventSourcing.handle({
      streams,
      decide: (read, now) => {
        // Already written: this is the batch's request again, after its answer was lost.
        if (read.batch !== null) return { ok: true, events: {}, items: undefined };
        const decided = batch.decide(
          batch.itemStreams.map((_, index) => read[itemKey(index)] as State),
          new Map(batch.accountIds.map((id) => [id, read[accountKey(id)] as AccountState])),
          now,
          new Map((batch.otherStreams ?? []).map(({ name }) => [name, read[otherKey(name)]])),
        );
        if (!decided.ok) {
          const { index, error } = decided;
          return {
            ok: false,
            error: {
              ...error,
              message: `Item ${index}: ${error.message}`,
              ...(error.field && { field: `items.${index}.${error.field}` }),
            },
          };
        }
        const events: Record<string, readonly unknown[]> = { batch: [decided.recorded] };
        decided.items.forEach((outcome, index) => {
          if (!outcome.ok) return;
          events[itemKey(index)] = outcome.events;
          for (const other of outcome.others ?? []) {
            // Never dropped: an append names only the streams the batch declared.
            if (!streams[otherKey(other.stream)]) throw new Error(`${other.stream} is not among the batch's streams`);
            events[otherKey(other.stream)] = other.events;
          }
        });
        for (const [accountId, writes] of decided.accounts) events[accountKey(accountId)] = writes.events;
        const anyRevision = [...decided.accounts].flatMap(([id, writes]) => (writes.checked ? [] : [accountKey(id)]));
        const refusesPart = decided.items.some((outcome) => !outcome.ok);
        return { ok: true, events, anyRevision, refusesPart, items: decided.items };
      },
      eventIds: (key) => {
        const name = streams[key].name;
        if (key === 'batch') return eventIdFor(batch.batchId, 'record');
        // Another batch may write the same other stream: its events are named by this batch's id.
        if (key.startsWith('account:') || key.startsWith('other:')) return eventIdFor(batch.batchId, key);
        return eventIdFor(name, 'batch');
      },
      metadata,
      record: answer?.recording.of((states) => answer.bodyOf(outcomeOf(states))),
    });
    if (!decision.items || !position) return this.firstAnswer(batch, batchSpec);
    return { ...outcomeOf(states), position };
  }

  /** What the batch answered: each item's stream as its own events left it, each refusal as recorded. */
  private async firstAnswer<Event extends DomainEvent, State, Code extends DomainErrorCode>(
    batch: BatchOfItems<Event, State, Code>,
    batchSpec: StreamSpec<Recorded<Code> | null, Recorded<Code>>,
  ): Promise<BatchResult<State, Code>> {
    const { state: recorded, position } = await this.eventSourcing.load(batchSpec);
    if (!recorded || !position) throw new Error(`batch ${batch.batchId} is not recorded`);
    const items = await Promise.all(
      recorded.data.items.map(async ({ stream, refusal }): Promise<BatchItemResult<State, Code>> => {
        if (refusal) return { ok: false, error: refusal };
        const own = await this.eventSourcing.findOwnEvents(
          { name: stream, evolve: batch.evolve, initialState: batch.initialState },
          eventIdFor(stream, 'batch'),
        );
        if (!own) throw new Error(`${stream} of batch ${recorded.data.batchId} is missing`);
        return { ok: true, state: own.state };
      }),
    );
    return { batchId: recorded.data.batchId, mode: recorded.data.mode, items, position };
  }
}
