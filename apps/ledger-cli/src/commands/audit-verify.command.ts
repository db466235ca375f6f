import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface VerificationReport {
  accounts: number;
  events: number;
  discrepancies: Record<string, unknown>[];
  discrepancyCount: number;
  journalBalanced: boolean;
  chain: {
    events: number;
    checkpoints: number;
    brokenLinks: Record<string, unknown>[];
    brokenLinkCount: number;
  } | null;
  durationMs: number;
}

/** Exit code 1 when anything disagrees, so scripts and cron can alert on it. */
@Command({
  name: 'audit:verify',
  description: 'check the hash chains, replay every account, compare with the read models, sum the journal',
})
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run(_: string[], options: OutputOptions): Promise<void> {
    const report = await this.ledger.post<VerificationReport>('/audit/verify');
    print(options, report, () =>
      [
        report.chain
          ? `hash chains: ${report.chain.events} events, ${report.chain.checkpoints} checkpoints, ${report.chain.brokenLinkCount} broken links`
          : 'hash chains: none kept by this event store',
        ...(report.chain && report.chain.brokenLinks.length > 0 ? [table(report.chain.brokenLinks)] : []),
        `${report.accounts} accounts, ${report.events} events replayed in ${report.durationMs} ms`,
        `journal ${report.journalBalanced ? 'balanced' : 'NOT balanced'}`,
        `${report.discrepancyCount} discrepancies`,
        ...(report.discrepancies.length > 0 ? [table(report.discrepancies)] : []),
      ].join('\n'),
    );
    if (report.discrepancyCount > 0 || !report.journalBalanced || (report.chain?.brokenLinkCount ?? 0) > 0) {
      process.exitCode = 1;
    }
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
