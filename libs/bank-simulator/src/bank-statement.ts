/**
 * The bank's daily statement of what it executed, as CSV. `direction` is the movement on the
 * ledger's own account at the bank: `credit` = money the bank received for the ledger (a deposit),
 * `debit` = money it paid out for the ledger (a withdrawal). `value_date` is the UTC day the bank
 * settled the transfer; amounts are integers in minor units.
 */
export interface BankStatementLine {
  bankReference: string;
  transferId: string;
  amount: number;
  currency: string;
  direction: 'credit' | 'debit';
  valueDate: string;
}

export const BANK_STATEMENT_HEADER = 'bank_reference,transfer_id,amount,currency,direction,value_date';

/** Ways to make the statement disagree with the ledger, for tests and demos. */
export interface StatementDistortion {
  /** Transfers left off the statement. */
  omit?: readonly string[];
  /** Lines added as if the bank had executed them. */
  extra?: readonly BankStatementLine[];
  /** Amounts reported differently, by transfer id. */
  amounts?: Readonly<Record<string, number>>;
}

export function bankStatementCsv(lines: readonly BankStatementLine[], distortion: StatementDistortion = {}): string {
  const omitted = new Set(distortion.omit ?? []);
  const reported = [...lines.filter((line) => !omitted.has(line.transferId)), ...(distortion.extra ?? [])].map(
    (line) => ({ ...line, amount: distortion.amounts?.[line.transferId] ?? line.amount }),
  );
  const rows = reported.map((line) =>
    [line.bankReference, line.transferId, line.amount, line.currency, line.direction, line.valueDate].join(','),
  );
  return [BANK_STATEMENT_HEADER, ...rows].join('\r\n') + '\r\n';
}

/**
 * A distortion from a statement URL's query: `omit=<transferId>`, `amount=<transferId>:<amount>`,
 * `extra=<transferId>:<amount>:<currency>:<direction>` (each may repeat); undefined if malformed.
 */
export function distortionFromQuery(query: URLSearchParams, valueDate: string): StatementDistortion | undefined {
  const amounts: Record<string, number> = {};
  for (const entry of query.getAll('amount')) {
    const [transferId, amount] = entry.split(':');
    if (!transferId || !/^\d{1,15}$/.test(amount ?? '')) return undefined;
    amounts[transferId] = Number(amount);
  }
  const extra: BankStatementLine[] = [];
  for (const entry of query.getAll('extra')) {
    const [transferId, amount, currency, direction] = entry.split(':');
    if (!transferId || !/^\d{1,15}$/.test(amount ?? '') || !/^[A-Z]{3}$/.test(currency ?? '')) return undefined;
    if (direction !== 'credit' && direction !== 'debit') return undefined;
    extra.push({
      bankReference: `EXTRA-${transferId}`,
      transferId,
      amount: Number(amount),
      currency,
      direction,
      valueDate,
    });
  }
  return { omit: query.getAll('omit'), extra, amounts };
}
