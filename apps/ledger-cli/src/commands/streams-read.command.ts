import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

interface StreamPage {
  stream: string;
  events: { revision: number; type: string; position: string; createdAt: string; data: unknown }[];
}

interface StreamsReadOptions extends OutputOptions {
  fromRevision?: number;
  limit?: number;
}

@Command({ name: 'streams:read', arguments: '<stream>', description: "a stream's events, e.g. account-<id>" })
export class StreamsReadCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run([stream]: string[], options: StreamsReadOptions): Promise<void> {
    const query = new URLSearchParams({
      fromRevision: String(options.fromRevision ?? 0),
      limit: String(options.limit ?? 100),
    });
    const page = await this.ledger.get<StreamPage>(`/streams/${encodeURIComponent(stream)}?${query}`);
    print(options, page, () =>
      table(
        page.events.map((event) => ({
          revision: event.revision,
          type: event.type,
          createdAt: event.createdAt,
          data: JSON.stringify(event.data),
        })),
      ),
    );
  }

  @Option({ flags: '--from-revision <n>', description: 'first revision (default 0)' })
  fromRevision(value: string): number {
    return Number(value);
  }

  @Option({ flags: '--limit <n>', description: 'most events (1–1000, default 100)' })
  limit(value: string): number {
    return Number(value);
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}
