import { ReconciliationException, ReconciliationState } from '@ledger/ledger-domain';
import { jsonAmount } from '../http/json-amount';

type Recorded = Extract<ReconciliationState, { status: 'recorded' }>;

/** A run as the API shows it: what matched, and each exception with its resolution if any. */
export function toReconciliationView({ run, resolutions }: Recorded) {
  // Each exception as it is, not looked up again by id: a big statement has 100,000s of them.
  const exceptions = run.exceptions.map((exception) => exceptionView(run, resolutions, exception));
  return {
    id: run.reconciliationId,
    fileSha256: run.fileSha256,
    statementFrom: run.statementFrom,
    statementTo: run.statementTo,
    lines: run.lines,
    recordedBy: run.recordedBy,
    recordedAt: run.at,
    summary: {
      matched: run.matched.length,
      exceptions: exceptions.length,
      openExceptions: exceptions.filter((exception) => exception.status === 'open').length,
    },
    matched: run.matched,
    exceptions,
  };
}

export function toExceptionView({ run, resolutions }: Pick<Recorded, 'run' | 'resolutions'>, exceptionId: string) {
  const exception = run.exceptions.find((candidate) => candidate.exceptionId === exceptionId)!;
  return exceptionView(run, resolutions, exception);
}

function exceptionView(run: Recorded['run'], resolutions: Recorded['resolutions'], exception: ReconciliationException) {
  const resolved = resolutions[exception.exceptionId];
  const amount = (value: string | null) => (value === null ? null : jsonAmount(value));
  return {
    id: exception.exceptionId,
    reconciliationId: run.reconciliationId,
    kind: exception.kind,
    transferId: exception.transferId,
    bankReference: exception.bankReference,
    bankAmount: amount(exception.bankAmount),
    ledgerAmount: amount(exception.ledgerAmount),
    bankCurrency: exception.bankCurrency,
    ledgerCurrency: exception.ledgerCurrency,
    status: resolved ? ('resolved' as const) : ('open' as const),
    resolution: resolved?.resolution ?? null,
    note: resolved?.note ?? null,
    resolvedBy: resolved?.resolvedBy ?? null,
    resolvedAt: resolved?.resolvedAt ?? null,
  };
}
