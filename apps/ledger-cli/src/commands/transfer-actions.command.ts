import { Command, CommandRunner, Option } from 'nest-commander';
import { CliError, LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print } from '../output';

interface Transfer {
  id: string;
  status: string;
  failureReason: string | null;
}

/** Operator actions say why. */
interface ReasonOptions extends OutputOptions {
  reason?: string;
}

const describe = (transfer: Transfer) =>
  `transfer ${transfer.id}: ${transfer.status}${transfer.failureReason ? ` (${transfer.failureReason})` : ''}`;

@Command({
  name: 'transfers:retry',
  arguments: '<transferId>',
  description: 'send a parked transfer to the bank again',
})
export class TransfersRetryCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([transferId]: string[], options: ReasonOptions): Promise<void> {
    const transfer = await this.ledger.post<Transfer>(
      `/transfers/${encodeURIComponent(transferId)}/retry`,
      options.reason ? { reason: options.reason } : {},
    );
    print(options, transfer, () => describe(transfer));
  }

  @Option({ flags: '--reason <text>', description: 'why, for the record' })
  reason(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}

@Command({
  name: 'transfers:cancel',
  arguments: '<transferId>',
  description: 'fail a parked (or not yet sent) transfer, releasing its hold',
})
export class TransfersCancelCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([transferId]: string[], options: ReasonOptions): Promise<void> {
    if (!options.reason) throw new CliError('Say why with --reason "<text>".');
    const transfer = await this.ledger.post<Transfer>(`/transfers/${encodeURIComponent(transferId)}/cancel`, {
      reason: options.reason,
    });
    print(options, transfer, () => describe(transfer));
  }

  @Option({ flags: '--reason <text>', description: 'why, for the record (required)' })
  reason(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
