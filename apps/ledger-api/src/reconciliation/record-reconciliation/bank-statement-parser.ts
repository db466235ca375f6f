import { BankStatementLine } from '@ledger/ledger-domain';
import { FieldProblem } from '../../http/validation.pipe';
import { ApplicationError } from '../../shared/application-error';
import { isRfc3339Time } from '../../http/rfc3339';

export const BANK_STATEMENT_COLUMNS = [
  'bank_reference',
  'transfer_id',
  'amount',
  'currency',
  'direction',
  'value_date',
];

/** Reporting every bad line of a big file would make a huge answer; the first ones say enough. */
const MAX_PROBLEMS = 20;

const BANK_REFERENCE = /^[A-Za-z0-9._/-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AMOUNT = /^[1-9]\d{0,15}$/;
const CURRENCY = /^[A-Z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The bank's statement CSV (README, "Reconciliation with the bank"): a header row naming the
 * columns, then one executed transfer a line. Plain fields only (no quoting: the bank writes ids,
 * codes, integers and dates). Every problem is named by its line number (the header is line 1);
 * any problem refuses the whole file with 400 validation_failed.
 */
export function parseBankStatement(csv: unknown): BankStatementLine[] {
  if (typeof csv !== 'string' || csv.trim() === '') {
    throw invalid([{ field: 'body', problems: ['the body must be the bank statement CSV (Content-Type: text/csv)'] }]);
  }
  // Blank lines at the end (an editor's, a spreadsheet export's) are no lines.
  const [header, ...rows] = csv.trimEnd().split(/\r?\n/);
  if (header.trim() !== BANK_STATEMENT_COLUMNS.join(',')) {
    throw invalid([{ field: 'line 1', problems: [`the header must be ${BANK_STATEMENT_COLUMNS.join(',')}`] }]);
  }
  const problems: FieldProblem[] = [];
  const lines: BankStatementLine[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const field = `line ${index + 2}`;
    const line = parseLine(row);
    if (typeof line === 'string') return problems.push({ field, problems: [line] });
    if (seen.has(line.transferId)) return problems.push({ field, problems: ['transfer_id appears twice'] });
    seen.add(line.transferId);
    lines.push(line);
  });
  if (problems.length > 0) throw invalid(problems.slice(0, MAX_PROBLEMS));
  return lines;
}

/** The line, or what is wrong with it. */
function parseLine(row: string): BankStatementLine | string {
  const fields = row.split(',');
  if (fields.length !== BANK_STATEMENT_COLUMNS.length) {
    return `must have ${BANK_STATEMENT_COLUMNS.length} fields (${BANK_STATEMENT_COLUMNS.join(',')})`;
  }
  const [bankReference, transferId, amount, currency, direction, valueDate] = fields.map((value) => value.trim());
  if (!BANK_REFERENCE.test(bankReference)) return 'bank_reference must be 1–64 letters, digits or ._/-';
  if (!UUID.test(transferId)) return 'transfer_id must be a UUID';
  if (!AMOUNT.test(amount) || BigInt(amount) > BigInt(Number.MAX_SAFE_INTEGER)) {
    return 'amount must be a positive integer in minor units';
  }
  if (!CURRENCY.test(currency)) return 'currency must be an upper-case ISO 4217 code';
  if (direction !== 'credit' && direction !== 'debit') return 'direction must be credit or debit';
  if (!DATE.test(valueDate) || !isRfc3339Time(valueDate)) return 'value_date must be a date, YYYY-MM-DD';
  return { bankReference, transferId: transferId.toLowerCase(), amount, currency, direction, valueDate };
}

const invalid = (problems: FieldProblem[]) =>
  new ApplicationError('invalid_bank_statement', 'The bank statement is invalid.', problems);
