import { Inject, Injectable } from '@nestjs/common';
import { AppendRequest, EVENT_STORE, EventMetadata, EventStore, Position } from '@ledger/event-store';
import {
  AccountState,
  accountStreamName,
  BatchDecision,
  BatchMode,
  BatchRecorded,
  DomainError,
  DomainErrorCode,
  DomainRefusal,
  evolveAccount,
  initialAccountState,
} from '@ledger/ledger-domain';
import { eventIdFor } from './command-context';
import { Loaded, loadAggregate, loadSettled, retryOnConflict, toDomainEvent, toEventData } from './event-sourcing';
import { KeyedQueue } from './keyed-queue';

type DomainEvent = { type: string; data: unknown };
import { findOwnEvents } from './own-events';

/** A batch command as its handler describes it: its streams, how their states are built, its decider. */
export interface BatchOfItems<Event extends DomainEvent, State, Code extends DomainErrorCode> {
  batchId: string;
  mode: BatchMode;
  /** Each item's own stream, and whether the caller chose its id (only such a stream can exist already). */
  items: readonly { stream: string; idChosen: boolean }[];
  /** The accounts the items name; those in `checked` have their funds checked, so take their queues. */
  accountIds: readonly string[];
  checkedAccountIds: readonly string[];
  batchStream: string;
  evolve: (state: State, event: Event) => State;
  initialState: State;
  decide(
    states: State[],
    accounts: ReadonlyMap<string, AccountState>,
  ): BatchDecision<Event, Code, BatchRecorded<string, Code>>;
}

export type BatchItemResult<State, Code extends DomainErrorCode> =
  { ok: true; state: State } | { ok: false; error: DomainError<Code> };

export interface BatchResult<State, Code extends DomainErrorCode> {
  batchId: string;
  mode: BatchMode;
  items: BatchItemResult<State, Code>[];
  position: Position;
}

/**
 * Runs a batch of items that each create a stream and move money on accounts: under the queues of
 * the accounts whose funds are checked, the items decided in order on the accounts as settled
 * (no append of another command in flight), then everything written in one append — the items'
 * streams, each account's events, and last the batch's record, whose position is the batch's. A
 * retry that finds the record answers from it.
 */
@Injectable()
export class BatchCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queue: KeyedQueue,
  ) {}

  run<Event extends DomainEvent, State, Code extends DomainErrorCode>(
    batch: BatchOfItems<Event, State, Code>,
    metadata: EventMetadata,
  ): Promise<BatchResult<State, Code>> {
    return this.queue.runAll(batch.checkedAccountIds.map(accountStreamName), () =>
      retryOnConflict.execute(() => this.attempt(batch, metadata)),
    );
  }

  private async attempt<Event extends DomainEvent, State, Code extends DomainErrorCode>(
    batch: BatchOfItems<Event, State, Code>,
    metadata: EventMetadata,
  ): Promise<BatchResult<State, Code>> {
    const none: Loaded<State> = { state: batch.initialState, revision: 'no_stream', position: undefined };
    const [recorded, accounts, items] = await Promise.all([
      this.store.readStream(batch.batchStream),
      Promise.all(
        batch.accountIds.map((id) =>
          loadSettled(this.store, accountStreamName(id), evolveAccount, initialAccountState),
        ),
      ),
      Promise.all(
        batch.items.map(({ stream, idChosen }) =>
          idChosen ? loadAggregate(this.store, stream, batch.evolve, batch.initialState) : none,
        ),
      ),
    ]);
    if (recorded.length > 0) return this.firstAnswer(batch, toDomainEvent(recorded[0]), recorded[0].position);
    const loaded = new Map(batch.accountIds.map((id, index) => [id, accounts[index]]));
    const decision = batch.decide(
      items.map((item) => item.state),
      new Map(batch.accountIds.map((id, index) => [id, accounts[index].state])),
    );
    if (!decision.ok) {
      const { index, error } = decision;
      throw new DomainRefusal({
        ...error,
        message: `Item ${index}: ${error.message}`,
        ...(error.field && { field: `items.${index}.${error.field}` }),
      });
    }
    const requests: AppendRequest[] = [
      ...batch.items.flatMap(({ stream }, index) => {
        const outcome = decision.items[index];
        if (!outcome.ok) return [];
        const events = toEventData(outcome.events, eventIdFor(stream, 'batch'), metadata);
        return [{ streamName: stream, expectedRevision: items[index].revision, events }];
      }),
      ...[...decision.accounts].map(([accountId, writes]) => ({
        streamName: accountStreamName(accountId),
        expectedRevision: writes.checked ? loaded.get(accountId)!.revision : ('any' as const),
        events: toEventData(writes.events, eventIdFor(batch.batchId, `account:${accountId}`), metadata),
      })),
      {
        streamName: batch.batchStream,
        expectedRevision: 'no_stream',
        events: toEventData([decision.recorded], eventIdFor(batch.batchId, 'record'), metadata),
      },
    ];
    const { position } = await this.store.append(requests);
    return {
      batchId: batch.batchId,
      mode: batch.mode,
      items: decision.items.map((outcome) =>
        outcome.ok ? { ok: true, state: outcome.events.reduce(batch.evolve, batch.initialState) } : outcome,
      ),
      position,
    };
  }

  /** What the batch answered: each item's stream as its own events left it, each refusal as recorded. */
  private async firstAnswer<Event extends DomainEvent, State, Code extends DomainErrorCode>(
    batch: BatchOfItems<Event, State, Code>,
    recorded: BatchRecorded<string, Code>,
    position: Position,
  ): Promise<BatchResult<State, Code>> {
    const items = await Promise.all(
      recorded.data.items.map(async ({ stream, refusal }): Promise<BatchItemResult<State, Code>> => {
        if (refusal) return { ok: false, error: refusal };
        const own = await findOwnEvents(
          this.store,
          stream,
          eventIdFor(stream, 'batch'),
          batch.evolve,
          batch.initialState,
        );
        if (!own) throw new Error(`${stream} of batch ${recorded.data.batchId} is missing`);
        return { ok: true, state: own.state };
      }),
    );
    return { batchId: recorded.data.batchId, mode: recorded.data.mode, items, position };
  }
}
