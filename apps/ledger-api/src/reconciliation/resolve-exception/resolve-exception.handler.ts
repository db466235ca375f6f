import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { appendingTo, EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import { decideReconciliation, ReconciliationResolution, ReconciliationState } from '@ledger/ledger-domain';
import { CommandContext, eventIdFor, eventMetadata } from '../../shared/command-context';
import { reconciliationStream } from '../../shared/streams';

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
  constructor(private readonly eventSourcing: EventSourcing) {}

  async execute({ reconciliationId, exceptionId, resolution, note, context }: ResolveExceptionCommand) {
    const resolve = {
      type: 'ResolveReconciliationException',
      exceptionId,
      resolution,
      note,
      resolvedBy: context.userId,
    } as const;
    const { states, position } = await this.eventSourcing.handle({
      streams: { run: reconciliationStream(reconciliationId) },
      decide: ({ run }, now) => appendingTo('run', decideReconciliation(resolve, run, now)),
      eventIds: () => eventIdFor(reconciliationId, `resolve:${exceptionId}`),
      metadata: eventMetadata(context),
    });
    return { state: states.run as Extract<ReconciliationState, { status: 'recorded' }>, position: position! };
  }
}
