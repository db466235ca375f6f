import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface AccountAudit {
  accountId: string;
  at: string;
  balance: { available: number; held: number; ledger: number };
  events: Record<string, unknown>[];
  consistent: boolean;
}

interface AuditAccountOptions extends OutputOptions {
  at?: string;
}

@Command({
  name: 'audit:account',
  arguments: '<accountId>',
  description: "an account's balances at a moment, replayed from its events, beside its read model",
})
export class AuditAccountCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([accountId]: string[], options: AuditAccountOptions): Promise<void> {
    const query = options.at ? `?at=${encodeURIComponent(options.at)}` : '';
    const audit = await this.ledger.get<AccountAudit>(`/audit/accounts/${encodeURIComponent(accountId)}${query}`);
    print(options, audit, () =>
      [
        table(audit.events),
        `at ${audit.at}: available ${audit.balance.available}, held ${audit.balance.held}, ledger ${audit.balance.ledger}`,
        `read model ${audit.consistent ? 'agrees' : 'DISAGREES'}`,
      ].join('\n'),
    );
    if (!audit.consistent) process.exitCode = 1;
  }

  @Option({
    flags: '--at <time>',
    description: 'RFC 3339 date or date-time with an offset, e.g. 2026-11-22T12:00:00Z (default now)',
  })
  at(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
