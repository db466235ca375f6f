import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface ProjectionStatus {
  name: string;
  position: string | null;
  lag: number;
  status: string;
  updatedAt: string | null;
}

@Command({ name: 'projections:list', description: 'every projection with its position, lag and status' })
export class ProjectionsListCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run(_: string[], options: OutputOptions): Promise<void> {
    const projections = await this.ledger.get<ProjectionStatus[]>('/projections');
    print(options, projections, () => table(projections as unknown as Record<string, unknown>[]));
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
