import { ReconciliationEvent } from '@ledger/ledger-domain';
import { projection } from '../shared/projection';

type Recorded = Extract<ReconciliationEvent, { type: 'ReconciliationRecorded' }>['data'];

/** The list of runs; a run's lines and exceptions are read from its own stream. */
export const reconciliationsProjection = projection('reconciliations', ['rm_reconciliations'], {
  ReconciliationRecorded: (event, client) => {
    const run = event.data as Recorded;
    return client.query(
      `INSERT INTO rm_reconciliations
         (id, file_sha256, statement_from, statement_to, lines, matched, exceptions, open_exceptions, recorded_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [
        run.reconciliationId,
        run.fileSha256,
        run.statementFrom,
        run.statementTo,
        run.lines,
        run.matched.length,
        run.exceptions.length,
        run.recordedBy,
        run.at,
      ],
    );
  },
  // Rows and checkpoint commit together, so each resolution is counted once.
  ReconciliationExceptionResolved: (event, client) =>
    client.query('UPDATE rm_reconciliations SET open_exceptions = open_exceptions - 1 WHERE id = $1', [
      (event.data as { reconciliationId: string }).reconciliationId,
    ]),
});
