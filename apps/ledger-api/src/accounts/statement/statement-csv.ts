import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { BalanceAt, StatementEntry, StatementPeriod, StatementSummary } from './account-statement';

/** Lines gathered before a write, so that a long statement is a few large writes. */
const LINES_PER_WRITE = 500;

export const STATEMENT_CSV_HEADER = 'record,at,eventId,type,referenceId,direction,amount,ledgerAfter,held';

/**
 * The statement as CSV (RFC 4180, no field needs quoting: ids, codes, integers and times):
 * one `opening` line, the `entry` lines, a `total` line per direction, one `closing` line.
 * Amounts are integers in minor units, as in the JSON.
 */
export class StatementCsvWriter {
  private lines: string[] = [];

  constructor(private readonly out: Writable) {}

  async opening(period: StatementPeriod, opening: BalanceAt): Promise<void> {
    await this.line(STATEMENT_CSV_HEADER);
    await this.line(csvLine('opening', period.from, '', '', '', '', '', opening.ledger, opening.held));
  }

  async entry(entry: StatementEntry, openingLedger: bigint): Promise<void> {
    const { at, eventId, type, referenceId, direction, amount, movedSoFar } = entry;
    await this.line(
      csvLine('entry', at, eventId, type, referenceId, direction, amount, openingLedger + movedSoFar, ''),
    );
  }

  async end(period: StatementPeriod, summary: StatementSummary): Promise<void> {
    await this.line(csvLine('total', period.to, '', '', '', 'credit', summary.credits, '', ''));
    await this.line(csvLine('total', period.to, '', '', '', 'debit', summary.debits, '', ''));
    await this.line(csvLine('closing', period.to, '', '', '', '', '', summary.closing.ledger, summary.closing.held));
    await this.flush();
    this.out.end();
  }

  private async line(text: string): Promise<void> {
    this.lines.push(text);
    if (this.lines.length >= LINES_PER_WRITE) await this.flush();
  }

  /** Waits for the client to drain what it was sent, so a slow reader holds no growing buffer. */
  private async flush(): Promise<void> {
    if (this.out.destroyed) throw new Error('The client left before the statement was complete.');
    const chunk = this.lines.join('\r\n') + '\r\n';
    this.lines = [];
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }
}

const csvLine = (...fields: (string | bigint | Date)[]) =>
  fields.map((field) => (field instanceof Date ? field.toISOString() : String(field))).join(',');
