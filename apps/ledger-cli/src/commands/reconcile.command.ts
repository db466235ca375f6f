import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliError, LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface ReconciliationRun {
  id: string;
  statementFrom: string | null;
  statementTo: string | null;
  lines: number;
  summary: { matched: number; exceptions: number; openExceptions: number };
  exceptions: {
    id: string;
    kind: string;
    transferId: string;
    bankAmount: number | string | null;
    ledgerAmount: number | string | null;
    status: string;
  }[];
}

@Command({
  name: 'reconcile',
  arguments: '<file>',
  description: 'reconcile a bank statement CSV with the ledger; exit 1 while exceptions are open',
})
export class ReconcileCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([file]: string[], options: OutputOptions): Promise<void> {
    const csv = await readFile(file, 'utf8').catch(() => {
      throw new CliError(`Cannot read ${file}.`);
    });
    const run = await this.ledger.postCsv<ReconciliationRun>('/reconciliations', csv);
    print(options, run, () =>
      [
        `reconciliation ${run.id} (${run.statementFrom ?? '-'} to ${run.statementTo ?? '-'}): ${run.lines} lines, ` +
          `${run.summary.matched} matched, ${run.summary.exceptions} exceptions (${run.summary.openExceptions} open)`,
        ...(run.exceptions.length === 0
          ? []
          : [
              table(
                run.exceptions.map(({ id, kind, transferId, bankAmount, ledgerAmount, status }) => ({
                  id,
                  kind,
                  transferId,
                  bank: bankAmount,
                  ledger: ledgerAmount,
                  status,
                })),
              ),
            ]),
      ].join('\n'),
    );
    if (run.summary.openExceptions > 0) process.exitCode = 1;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
