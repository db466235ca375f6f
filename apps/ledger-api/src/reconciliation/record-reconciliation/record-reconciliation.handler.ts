import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { EVENT_STORE, EventStore, Position } from '@ledger/event-store';
import {
  DomainRefusal,
  BankStatementLine,
  decideReconciliation,
  evolveReconciliation,
  initialReconciliationState,
  matchStatement,
  reconciliationStreamName,
  ReconciliationState,
  SettledTransfer,
  statementDates,
} from '@ledger/ledger-domain';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { CLOCK, Clock } from '../../shared/clock';
import { CommandContext, eventIdFor, eventMetadata } from '../../shared/command-context';
import { deterministicUuid } from '../../shared/deterministic-id';
import { loadAggregate, retryOnConflict, toEventData } from '../../shared/event-sourcing';
import { KeyedQueue } from '../../shared/keyed-queue';
import { parseBankStatement } from './bank-statement-parser';

type RecordedState = Extract<ReconciliationState, { status: 'recorded' }>;

export interface RecordedRun {
  state: RecordedState;
  /** False when the same file had been reconciled before: the answer is that run. */
  created: boolean;
  position: Position | undefined;
}

export class RecordReconciliationCommand extends Command<RecordedRun> {
  constructor(
    /** The statement file as sent. */
    readonly csv: unknown,
    readonly context: CommandContext,
  ) {
    super();
  }
}

interface SettledRow {
  id: string;
  kind: 'deposit' | 'withdrawal';
  amount: string;
  currency: string;
  value_date: string;
}

/**
 * Reconciles a bank statement with the ledger's settled transfers and records the run on its own
 * stream, named by the file's hash: the same file again finds that run and answers it.
 */
@CommandHandler(RecordReconciliationCommand)
export class RecordReconciliationHandler implements ICommandHandler<RecordReconciliationCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queue: KeyedQueue,
  ) {}

  execute({ csv, context }: RecordReconciliationCommand) {
    const lines = parseBankStatement(csv);
    const fileSha256 = createHash('sha256')
      .update(csv as string)
      .digest('hex');
    const reconciliationId = deterministicUuid('reconciliation', fileSha256);
    // Uploads of one file queue in this process, so the second finds the first's run (200). Across
    // processes the store drops the repeated event ids, and each answers the run as stored.
    return this.queue.run(reconciliationStreamName(reconciliationId), () =>
      retryOnConflict.execute(() => this.attempt(reconciliationId, fileSha256, lines, context)),
    );
  }

  private async attempt(
    reconciliationId: string,
    fileSha256: string,
    lines: BankStatementLine[],
    context: CommandContext,
  ): Promise<RecordedRun> {
    const stream = reconciliationStreamName(reconciliationId);
    const loaded = await loadAggregate(this.store, stream, evolveReconciliation, initialReconciliationState);
    if (loaded.state.status === 'recorded') return { state: loaded.state, created: false, position: undefined };
    const [statementFrom, statementTo] = statementDates(lines);
    const { matched, exceptions } = matchStatement(
      lines,
      await this.settledTransfers(lines, statementFrom, statementTo),
      (kind, transferId) => deterministicUuid('reconciliation-exception', reconciliationId, kind, transferId),
    );
    const run = {
      reconciliationId,
      fileSha256,
      statementFrom,
      statementTo,
      lines: lines.length,
      matched,
      exceptions,
      recordedBy: context.userId,
    };
    const decision = decideReconciliation({ type: 'RecordReconciliation', run }, loaded.state, this.clock.now());
    if (!decision.ok) throw new DomainRefusal(decision.error);
    const result = await this.store.append([
      {
        streamName: stream,
        expectedRevision: 'no_stream',
        events: toEventData(decision.events, eventIdFor(reconciliationId, 'record'), eventMetadata(context)),
      },
    ]);
    const stored = await loadAggregate(this.store, stream, evolveReconciliation, initialReconciliationState);
    return { state: stored.state as RecordedState, created: true, position: result.position };
  }

  /**
   * The ledger's side, from the transfers read model: the transfers the lines name, and every
   * transfer settled on the statement's days (UTC), which the bank should have listed.
   */
  private async settledTransfers(
    lines: readonly BankStatementLine[],
    from: string | null,
    to: string | null,
  ): Promise<SettledTransfer[]> {
    const { rows } = await this.pool.query<SettledRow>(
      `SELECT id, kind, amount::text AS amount, currency,
              to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS value_date
         FROM rm_transfers
        WHERE status = 'succeeded'
          AND (id = ANY($1::uuid[])
               OR (updated_at >= ($2::date)::timestamp AT TIME ZONE 'UTC'
                   AND updated_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'))`,
      [lines.map((line) => line.transferId), from, to],
    );
    return rows.map((row) => ({
      transferId: row.id,
      kind: row.kind,
      amount: row.amount,
      currency: row.currency,
      valueDate: row.value_date,
    }));
  }
}
