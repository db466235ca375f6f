import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface BankWorkItem {
  id: string;
  kind: string;
  amount: number;
  currency: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  parkedReason: string | null;
}

interface TransfersListOptions extends OutputOptions {
  status?: string;
}

@Command({
  name: 'transfers:list',
  description: 'the bank work: transfers awaiting dispatch, retrying, awaiting the bank, or parked',
})
export class TransfersListCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run(_: string[], options: TransfersListOptions): Promise<void> {
    const query = new URLSearchParams({ limit: '100', ...(options.status ? { status: options.status } : {}) });
    const page = await this.ledger.get<{ data: BankWorkItem[] }>(`/transfers?${query}`);
    print(options, page.data, () =>
      table(
        page.data.map(({ id, kind, amount, currency, status, attempts, lastError, nextAttemptAt, parkedReason }) => ({
          id,
          kind,
          amount: `${amount} ${currency}`,
          status,
          attempts,
          nextAttemptAt,
          reason: parkedReason ?? lastError,
        })),
      ),
    );
  }

  @Option({ flags: '--status <status>', description: 'awaiting_dispatch, retrying, awaiting_callback or parked' })
  status(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
