import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface VerificationReport {
  accounts: number;
  events: number;
  discrepancies: Record<string, unknown>[];
  discrepancyCount: number;
  journalBalanced: boolean;
  durationMs: number;
}

/** Exit code 1 when anything disagrees, so scripts and cron can alert on it. */
@Command({ name: 'audit:verify', description: 'replay every account, compare with the read models, sum the journal' })
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run(_: string[], options: OutputOptions): Promise<void> {
    const report = await this.ledger.post<VerificationReport>('/audit/verify');
    print(options, report, () =>
      [
        `${report.accounts} accounts, ${report.events} events replayed in ${report.durationMs} ms`,
        `journal ${report.journalBalanced ? 'balanced' : 'NOT balanced'}`,
        `${report.discrepancyCount} discrepancies`,
        ...(report.discrepancies.length > 0 ? [table(report.discrepancies)] : []),
      ].join('\n'),
    );
    if (report.discrepancyCount > 0 || !report.journalBalanced) process.exitCode = 1;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
