import { PoolClient } from 'pg';
import { Projection } from '@ledger/consumers';
import { RecordedEvent } from '@ledger/event-store';
import { ReconciliationEvent } from '@ledger/ledger-domain';
import { toDomainEvent } from '@ledger/event-sourcing';
import { projectTable, TableProjection } from '../shared/projection';

/** A row of `rm_reconciliations`: a run with its counts (its lines and exceptions are in its stream). */
export interface ReconciliationRow {
  id: string;
  file_sha256: string;
  /** The statement's first and last value days (`YYYY-MM-DD`), when it has lines. */
  statement_from: string | null;
  statement_to: string | null;
  lines: number;
  matched: number;
  exceptions: number;
  open_exceptions: number;
  recorded_by: string;
  created_at: Date;
}

const reconciliationsTable: TableProjection<ReconciliationEvent, ReconciliationRow> = {
  table: 'rm_reconciliations',
  rowOf: (event) => event.data.reconciliationId,
  evolve(run, event) {
    switch (event.type) {
      case 'ReconciliationRecorded': {
        const recorded = event.data;
        return (
          run ?? {
            id: recorded.reconciliationId,
            file_sha256: recorded.fileSha256,
            statement_from: recorded.statementFrom,
            statement_to: recorded.statementTo,
            lines: recorded.lines,
            matched: recorded.matched.length,
            exceptions: recorded.exceptions.length,
            open_exceptions: recorded.exceptions.length,
            recorded_by: recorded.recordedBy,
            created_at: new Date(recorded.at),
          }
        );
      }
      case 'ReconciliationExceptionResolved':
        return run && { ...run, open_exceptions: run.open_exceptions - 1 };
    }
  },
};

/** The list of runs, newest first in its query. */
export const reconciliationsProjection: Projection = {
  kind: 'projection',
  name: 'reconciliations',
  tables: ['rm_reconciliations'],
  async apply(events: readonly RecordedEvent[], client: PoolClient) {
    const runs = events.filter((event) => event.streamName.startsWith('reconciliation-'));
    if (runs.length > 0) {
      await projectTable(
        client,
        reconciliationsTable,
        runs.map((event) => toDomainEvent<ReconciliationEvent>(event)),
      );
    }
  },
};
