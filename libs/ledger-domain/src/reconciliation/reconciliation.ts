import { accept, assertNever, Decision, reject } from '../shared/result';

/**
 * Direction of a line on the ledger's own account at the bank: `credit` = the bank received money
 * for the ledger (a deposit), `debit` = the bank paid money out for it (a withdrawal).
 */
export type BankDirection = 'credit' | 'debit';

/** One line of the bank's statement of what it executed. */
export interface BankStatementLine {
  bankReference: string;
  transferId: string;
  /** Minor units, positive. */
  amount: string;
  currency: string;
  direction: BankDirection;
  /** YYYY-MM-DD, the day the bank settled it. */
  valueDate: string;
}

/** A deposit or withdrawal the ledger settled (succeeded). */
export interface SettledTransfer {
  transferId: string;
  kind: 'deposit' | 'withdrawal';
  amount: string;
  currency: string;
  /** YYYY-MM-DD, the day the ledger settled it. */
  valueDate: string;
}

export type ReconciliationExceptionKind =
  'missing_in_ledger' | 'missing_in_bank' | 'amount_mismatch' | 'currency_mismatch';

export interface ReconciliationException {
  exceptionId: string;
  kind: ReconciliationExceptionKind;
  transferId: string;
  bankReference: string | null;
  /** Signed as the bank's direction says (a debit negative); null when the bank has no line. */
  bankAmount: string | null;
  /** Signed the same way (a withdrawal negative); null when the ledger has no settled transfer. */
  ledgerAmount: string | null;
  bankCurrency: string | null;
  ledgerCurrency: string | null;
}

export interface MatchedLine {
  transferId: string;
  bankReference: string;
}

export type ReconciliationResolution = 'corrected_in_ledger' | 'corrected_at_bank' | 'timing_difference' | 'accepted';

export const RECONCILIATION_RESOLUTIONS: readonly ReconciliationResolution[] = [
  'corrected_in_ledger',
  'corrected_at_bank',
  'timing_difference',
  'accepted',
];

export interface ReconciliationRecordedData {
  reconciliationId: string;
  /** SHA-256 of the statement file: the same file is the same run. */
  fileSha256: string;
  /** The statement's first and last value dates; null for a statement without lines. */
  statementFrom: string | null;
  statementTo: string | null;
  lines: number;
  matched: MatchedLine[];
  exceptions: ReconciliationException[];
  recordedBy: string;
  at: string;
}

export type ReconciliationEvent =
  | { type: 'ReconciliationRecorded'; data: ReconciliationRecordedData }
  | {
      type: 'ReconciliationExceptionResolved';
      data: {
        reconciliationId: string;
        exceptionId: string;
        resolution: ReconciliationResolution;
        note: string;
        resolvedBy: string;
        at: string;
      };
    };

export const RECONCILIATION_EVENT_TYPES: ReadonlySet<string> = new Set<string>([
  'ReconciliationRecorded',
  'ReconciliationExceptionResolved',
] satisfies ReconciliationEvent['type'][]);

export interface ExceptionResolution {
  resolution: ReconciliationResolution;
  note: string;
  resolvedBy: string;
  resolvedAt: string;
}

export type ReconciliationState =
  | { status: 'none' }
  | { status: 'recorded'; run: ReconciliationRecordedData; resolutions: Readonly<Record<string, ExceptionResolution>> };

export const initialReconciliationState: ReconciliationState = { status: 'none' };

export type ReconciliationCommand =
  | { type: 'RecordReconciliation'; run: Omit<ReconciliationRecordedData, 'at'> }
  | {
      type: 'ResolveReconciliationException';
      exceptionId: string;
      resolution: ReconciliationResolution;
      note: string;
      resolvedBy: string;
    };

export type ReconciliationErrorCode = 'reconciliation_not_found' | 'exception_not_found' | 'exception_not_open';

/**
 * Matches the bank's lines with the ledger's settled transfers by transfer id. A line without a
 * settled transfer is missing in the ledger; a settled transfer whose value date falls within the
 * statement's dates and that no line names is missing in the bank; a pair differs in currency, or
 * in signed amount (a deposit is the bank's credit, a withdrawal its debit). `settled` holds the
 * transfers the lines name and those settled within the statement's dates.
 */
export function matchStatement(
  lines: readonly BankStatementLine[],
  settled: readonly SettledTransfer[],
  exceptionId: (kind: ReconciliationExceptionKind, transferId: string) => string,
): { matched: MatchedLine[]; exceptions: ReconciliationException[] } {
  const ledger = new Map(settled.map((transfer) => [transfer.transferId, transfer]));
  const matched: MatchedLine[] = [];
  const exceptions: ReconciliationException[] = [];
  const exception = (
    kind: ReconciliationExceptionKind,
    transferId: string,
    line: BankStatementLine | undefined,
    transfer: SettledTransfer | undefined,
  ) =>
    exceptions.push({
      exceptionId: exceptionId(kind, transferId),
      kind,
      transferId,
      bankReference: line?.bankReference ?? null,
      bankAmount: line ? signedLine(line).toString() : null,
      ledgerAmount: transfer ? signedTransfer(transfer).toString() : null,
      bankCurrency: line?.currency ?? null,
      ledgerCurrency: transfer?.currency ?? null,
    });
  for (const line of lines) {
    const transfer = ledger.get(line.transferId);
    if (!transfer) exception('missing_in_ledger', line.transferId, line, undefined);
    else if (transfer.currency !== line.currency) exception('currency_mismatch', line.transferId, line, transfer);
    else if (signedTransfer(transfer) !== signedLine(line))
      exception('amount_mismatch', line.transferId, line, transfer);
    else matched.push({ transferId: line.transferId, bankReference: line.bankReference });
  }
  const onStatement = new Set(lines.map((line) => line.transferId));
  const [first, last] = statementDates(lines);
  for (const transfer of settled) {
    if (onStatement.has(transfer.transferId) || first === null) continue;
    if (transfer.valueDate >= first && transfer.valueDate <= last!) {
      exception('missing_in_bank', transfer.transferId, undefined, transfer);
    }
  }
  return { matched, exceptions };
}

/** The first and last value dates of a statement (dates compare as text in YYYY-MM-DD). */
export function statementDates(lines: readonly BankStatementLine[]): [string | null, string | null] {
  const dates = lines.map((line) => line.valueDate).sort();
  return [dates[0] ?? null, dates[dates.length - 1] ?? null];
}

const signedLine = (line: BankStatementLine) => (line.direction === 'credit' ? 1n : -1n) * BigInt(line.amount);
const signedTransfer = (transfer: SettledTransfer) =>
  (transfer.kind === 'deposit' ? 1n : -1n) * BigInt(transfer.amount);

export function decideReconciliation(
  command: ReconciliationCommand,
  state: ReconciliationState,
  now: Date,
): Decision<ReconciliationEvent, ReconciliationErrorCode> {
  const at = now.toISOString();
  switch (command.type) {
    case 'RecordReconciliation':
      // The same file again is the run already recorded: nothing new to say.
      if (state.status === 'recorded') return accept();
      return accept({ type: 'ReconciliationRecorded', data: { ...command.run, at } });
    case 'ResolveReconciliationException': {
      if (state.status !== 'recorded') return reject('reconciliation_not_found', 'No such reconciliation.');
      const { exceptionId, resolution, note, resolvedBy } = command;
      if (!state.run.exceptions.some((exception) => exception.exceptionId === exceptionId)) {
        return reject('exception_not_found', 'No such exception in this reconciliation.');
      }
      if (exceptionId in state.resolutions) return reject('exception_not_open', 'The exception is already resolved.');
      return accept({
        type: 'ReconciliationExceptionResolved',
        data: { reconciliationId: state.run.reconciliationId, exceptionId, resolution, note, resolvedBy, at },
      });
    }
    default:
      return assertNever(command);
  }
}

export function evolveReconciliation(state: ReconciliationState, event: ReconciliationEvent): ReconciliationState {
  switch (event.type) {
    case 'ReconciliationRecorded':
      return { status: 'recorded', run: event.data, resolutions: {} };
    case 'ReconciliationExceptionResolved': {
      if (state.status !== 'recorded') return state;
      const { exceptionId, resolution, note, resolvedBy, at } = event.data;
      return {
        ...state,
        resolutions: { ...state.resolutions, [exceptionId]: { resolution, note, resolvedBy, resolvedAt: at } },
      };
    }
    default:
      return assertNever(event);
  }
}

export const reconciliationStreamName = (reconciliationId: string) => `reconciliation-${reconciliationId}`;
