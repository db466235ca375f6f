import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerAdminClient } from '../ledger-admin.client';
import { JSON_OPTION, OutputOptions, print, table } from '../output';

/** GET /api/v1/admin/work, as the CLI reads it (the OpenAPI document's WorkResponse). */
interface Work {
  at: string;
  consumers: {
    name: string;
    kind: string;
    status: string;
    leader: string | null;
    position: string;
    lag: number;
    eventsPerSecond: number;
    lastError: { message: string; at: string } | null;
  }[];
  bank: {
    circuit: string;
    waiting: number;
    sent: number;
    retrying: { transferId: string; kind: string; attempts: number; nextAttemptAt: string; lastError: string | null }[];
    parked: { transferId: string; kind: string; reason: string | null; attempts: number; parkedAt: string }[];
  };
  series: { at: string; requestsPerSecond: number; paymentsPerSecond: number; lag: number }[];
}

/** The last minute of the series, in the text rendering. */
const RECENT_SAMPLES = 12;

@Command({
  name: 'work',
  description: 'the asynchronous work: consumers, bank work, circuit breaker, and the last minutes of load',
})
export class WorkCommand extends CommandRunner {
  constructor(private readonly ledger: LedgerAdminClient) {
    super();
  }

  async run(_: string[], options: OutputOptions): Promise<void> {
    const work = await this.ledger.get<Work>('/work');
    print(options, work, () => render(work));
  }

  @Option(JSON_OPTION)
  json(): boolean {
    return true;
  }
}

function render({ at, consumers, bank, series }: Work): string {
  return [
    `Work at ${at}`,
    '',
    'Consumers',
    table(
      consumers.map(({ name, kind, status, leader, lag, eventsPerSecond, lastError }) => ({
        name,
        kind,
        status,
        leader,
        lag,
        'events/s': eventsPerSecond,
        lastError: lastError ? `${lastError.at} ${lastError.message}` : '',
      })),
    ),
    '',
    `Bank: circuit ${bank.circuit}, ${bank.waiting} waiting to be sent, ${bank.sent} awaiting the bank, ` +
      `${bank.retrying.length} retrying, ${bank.parked.length} parked`,
    ...(bank.retrying.length > 0 ? ['', 'Retrying', table(bank.retrying as unknown as Record<string, unknown>[])] : []),
    ...(bank.parked.length > 0 ? ['', 'Parked', table(bank.parked as unknown as Record<string, unknown>[])] : []),
    '',
    'Last minute',
    table(
      series.slice(-RECENT_SAMPLES).map((sample) => ({
        at: sample.at,
        'requests/s': sample.requestsPerSecond,
        'payments/s': sample.paymentsPerSecond,
        lag: sample.lag,
      })),
    ),
  ].join('\n');
}
