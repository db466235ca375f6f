import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { appendingTo, EventSourcing } from '@ledger/event-sourcing';
import { Position } from '@ledger/event-store';
import {
  BankStatementLine,
  decideReconciliation,
  matchStatement,
  ReconciliationState,
  SettledTransfer,
  statementDates,
} from '@ledger/ledger-domain';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { CommandContext, eventIdFor, eventMetadata } from '../../shared/command-context';
import { deterministicUuid } from '../../shared/deterministic-id';
import { reconciliationStream } from '../../shared/streams';

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
    readonly csv: string,
    /** Its lines, parsed. */
    readonly lines: BankStatementLine[],
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
    private readonly eventSourcing: EventSourcing,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async execute({ csv, lines, context }: RecordReconciliationCommand): Promise<RecordedRun> {
    const fileSha256 = createHash('sha256').update(csv).digest('hex');
    const reconciliationId = deterministicUuid('reconciliation', fileSha256);
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
    const { states, position } = await this.eventSourcing.handle({
      // Uploads of one file queue in this process, so the second finds the first's run (200).
      // Across processes the store drops the repeated event ids, and each answers the run as stored.
      streams: { run: reconciliationStream(reconciliationId, { queued: true }) },
      decide: (states, now) =>
        states.run.status === 'recorded'
          ? { ok: true, events: {} }
          : appendingTo('run', decideReconciliation({ type: 'RecordReconciliation', run }, states.run, now)),
      eventIds: () => eventIdFor(reconciliationId, 'record'),
      metadata: eventMetadata(context),
    });
    return { state: states.run as RecordedState, created: position !== undefined, position };
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
