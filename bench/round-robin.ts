/**
 * Contenders measured in one run, alternating: every round runs every scenario once, each round
 * starting one scenario further along, so that drift in the machine's load (other work, a vacuum, a
 * warming cache) falls on all of them alike instead of on whichever ran last.
 */
export interface Round {
  /** Payments (or rows) that succeeded. */
  payments: number;
  seconds: number;
  /** Per request (a batch is one request), ms. */
  p50: number;
  p99: number;
  failures: number;
  /**
   * The machine's CPU time spent on the round, ms: every process (server, PostgreSQL, load
   * generator), up to when the contender's work was done (the ledger's projections caught up).
   */
  cpuMs?: number;
  /**
   * Of that, the benchmark process's own, ms: the servers run in it (the ledger with its
   * projections, the hand-rolled server), the load generator and PostgreSQL do not.
   */
  serverCpuMs?: number;
  /**
   * The WAL PostgreSQL wrote meanwhile, bytes (the server's whole: the contender's statements,
   * for the ledger its projections', and any vacuum or checkpoint that ran then).
   */
  walBytes?: number;
}

export type Contender = 'ledger' | 'hand-rolled' | 'floor';

export interface Scenario {
  /** What is compared: the contenders of one group share their load (connections, payers, batch size). */
  group: string;
  contender: Contender;
  label: string;
  /** Why the scenario is not run at all (a route the ledger lacks), shown instead of figures. */
  unavailable?: string;
  run(seconds: number): Promise<Round>;
}

export interface Summary {
  scenario: Scenario;
  rounds: Round[];
}

export interface RoundRobinOptions {
  rounds: number;
  seconds: number;
  /**
   * Every scenario first runs once this long, unmeasured: each contender's code compiled and its
   * caches filled (the ledger's account states, PostgreSQL's pages) before any round counts, so
   * that the first scenario measured is not the one that warms them.
   */
  warmUpSeconds?: number;
  afterEach?: (scenario: Scenario, round: Round) => void;
}

export async function runRoundRobin(
  scenarios: readonly Scenario[],
  { rounds, seconds, warmUpSeconds = 0, afterEach = () => undefined }: RoundRobinOptions,
): Promise<Summary[]> {
  const summaries = scenarios.map((scenario) => ({ scenario, rounds: [] as Round[] }));
  const runnable = summaries.filter((summary) => !summary.scenario.unavailable);
  if (warmUpSeconds > 0) {
    for (const { scenario } of runnable) await scenario.run(warmUpSeconds);
  }
  for (let round = 0; round < rounds; round++) {
    const start = runnable.length === 0 ? 0 : round % runnable.length;
    for (const summary of [...runnable.slice(start), ...runnable.slice(0, start)]) {
      const result = await summary.scenario.run(seconds);
      summary.rounds.push(result);
      afterEach(summary.scenario, result);
    }
  }
  return summaries;
}

/** A cost a payment over all rounds together (CPU ms, WAL bytes), when every round measured it. */
function perPayment({ rounds }: Summary, of: 'cpuMs' | 'serverCpuMs' | 'walBytes'): number | undefined {
  const payments = rounds.reduce((sum, round) => sum + round.payments, 0);
  if (payments === 0 || rounds.some((round) => round[of] === undefined || Number.isNaN(round[of]))) {
    return undefined;
  }
  return rounds.reduce((sum, round) => sum + round[of]!, 0) / payments;
}

/** Payments per second over all rounds together. */
export function rateOf({ rounds }: Summary): number {
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  return seconds === 0 ? 0 : rounds.reduce((sum, round) => sum + round.payments, 0) / seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : whole(value)} ms`;

/**
 * The comparison as a markdown table, in the scenarios' order: rate over all rounds (and each
 * round's), the median of the rounds' p50 and p99, failures, the machine's and the server process's
 * CPU a payment, the WAL written a payment, and on the ledger's rows its rate divided by the best
 * hand-rolled variant's in the same group.
 */
export function comparisonTable(summaries: readonly Summary[]): string[] {
  const bestHandRolled = (group: string) =>
    Math.max(
      0,
      ...summaries
        .filter((summary) => summary.scenario.group === group && summary.scenario.contender === 'hand-rolled')
        .filter((summary) => summary.rounds.length > 0)
        .map(rateOf),
    );
  const lines = [
    '| scenario | contender | payments/s | each round | p50 | p99 | failures | machine CPU a payment | server process CPU a payment | WAL a payment | ledger ÷ best hand-rolled |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const summary of summaries) {
    const { group, contender, label, unavailable } = summary.scenario;
    if (unavailable || summary.rounds.length === 0) {
      lines.push(`| ${group} | ${label} | n/a (${unavailable ?? 'not run'}) | | | | | | | | |`);
      continue;
    }
    const rate = rateOf(summary);
    const best = bestHandRolled(group);
    const ratio = contender === 'ledger' && best > 0 ? `**${(rate / best).toFixed(2)}×**` : '';
    const rounds = summary.rounds.map((round) => whole(round.payments / round.seconds)).join(' / ');
    const failures = summary.rounds.reduce((sum, round) => sum + round.failures, 0);
    const cpu = (of: 'cpuMs' | 'serverCpuMs') => {
      const each = perPayment(summary, of);
      return each === undefined ? '' : `${each.toFixed(2)} ms`;
    };
    const walBytes = perPayment(summary, 'walBytes');
    const wal = walBytes === undefined ? '' : `${(walBytes / 1024).toFixed(1)} kB`;
    lines.push(
      `| ${group} | ${label} | ${whole(rate)} | ${rounds} | ${ms(median(summary.rounds.map((round) => round.p50)))} | ${ms(median(summary.rounds.map((round) => round.p99)))} | ${failures} | ${cpu('cpuMs')} | ${cpu('serverCpuMs')} | ${wal} | ${ratio} |`,
    );
  }
  return lines;
}
