import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  DomainRefusal,
  decideReconciliation,
  evolveReconciliation,
  initialReconciliationState,
  reconciliationStreamName,
  ReconciliationResolution,
  ReconciliationState,
} from '@ledger/ledger-domain';
import { CLOCK, Clock } from '../../shared/clock';
import { CommandContext, eventIdFor, eventMetadata } from '../../shared/command-context';
import { loadAggregate, retryOnConflict, toEventData } from '../../shared/event-sourcing';

export class ResolveExceptionCommand extends Command<{
  state: Extract<ReconciliationState, { status: 'recorded' }>;
  position: Position;
}> {
  constructor(
    readonly reconciliationId: string,
    readonly exceptionId: string,
    readonly resolution: ReconciliationResolution,
    readonly note: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** An admin settles one exception of a run: who, when, how and why, as an event on the run's stream. */
@CommandHandler(ResolveExceptionCommand)
export class ResolveExceptionHandler implements ICommandHandler<ResolveExceptionCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: ResolveExceptionCommand) {
    return retryOnConflict.execute(() => this.attempt(command));
  }

  private async attempt({ reconciliationId, exceptionId, resolution, note, context }: ResolveExceptionCommand) {
    const stream = reconciliationStreamName(reconciliationId);
    const loaded = await loadAggregate(this.store, stream, evolveReconciliation, initialReconciliationState);
    const decision = decideReconciliation(
      { type: 'ResolveReconciliationException', exceptionId, resolution, note, resolvedBy: context.userId },
      loaded.state,
      this.clock.now(),
    );
    if (!decision.ok) throw new DomainRefusal(decision.error);
    const result = await this.store.append([
      {
        streamName: stream,
        expectedRevision: loaded.revision,
        events: toEventData(
          decision.events,
          eventIdFor(reconciliationId, `resolve:${exceptionId}`),
          eventMetadata(context),
        ),
      },
    ]);
    const state = decision.events.reduce(evolveReconciliation, loaded.state);
    return { state: state as Extract<ReconciliationState, { status: 'recorded' }>, position: result.position };
  }
}
