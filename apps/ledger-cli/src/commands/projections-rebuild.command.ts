import { SingleBar } from 'cli-progress';
import { setTimeout as delay } from 'node:timers/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CliError, LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print } from '../output';

interface RebuildStatus {
  status: 'running' | 'done' | 'failed';
  projections: string[];
  processed: number;
  total: number;
  rate: number;
  differences: Record<string, number> | null;
}

const POLL_MS = 250;

@Command({
  name: 'projections:rebuild',
  arguments: '<name>',
  description: 'rebuild a read model from the start of $all while the live one serves; waits for the end',
})
export class ProjectionsRebuildCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([name]: string[], options: OutputOptions): Promise<void> {
    const path = `/projections/${encodeURIComponent(name)}/rebuild`;
    await this.ledger.post(path);
    // On stderr, so that --json output stays clean.
    const bar = new SingleBar({
      stream: process.stderr,
      format: `${name} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s`,
    });
    bar.start(1, 0, { rate: 0 });
    let status: RebuildStatus;
    do {
      await delay(POLL_MS);
      status = await this.ledger.get<RebuildStatus>(path);
      bar.setTotal(Math.max(status.total, 1));
      bar.update(status.processed, { rate: status.rate });
    } while (status.status === 'running');
    bar.stop();
    if (status.status === 'failed')
      throw new CliError(`The rebuild of ${name} failed; the live read model is unchanged.`);
    print(options, status, () =>
      [
        `rebuilt ${status.projections.join(', ')} from ${status.processed} events`,
        ...Object.entries(status.differences ?? {}).map(([table, rows]) => `  ${table}: ${rows} rows differed`),
      ].join('\n'),
    );
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
