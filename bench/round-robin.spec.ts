import { comparisonTable, Round, runRoundRobin, Scenario } from './round-robin';

const round = (payments: number, p50 = 1): Round => ({ payments, seconds: 1, p50, p99: p50 * 2, failures: 0 });

describe('runRoundRobin', () => {
  it('runs every available scenario once a round, each round starting one further along', async () => {
    const order: string[] = [];
    const scenario = (label: string, unavailable?: string): Scenario => ({
      group: 'g',
      contender: 'hand-rolled',
      label,
      unavailable,
      run: async () => {
        order.push(label);
        return round(1);
      },
    });

    const summaries = await runRoundRobin(
      [scenario('a'), scenario('b'), scenario('absent', 'no route'), scenario('c')],
      { rounds: 3, seconds: 1 },
    );

    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(summaries.map((summary) => summary.rounds.length)).toEqual([3, 3, 0, 3]);
  });

  it('warms every available scenario up once first, for as long as asked, and counts none of it', async () => {
    const runs: string[] = [];
    const scenario = (label: string, unavailable?: string): Scenario => ({
      group: 'g',
      contender: 'ledger',
      label,
      unavailable,
      run: async (seconds) => {
        runs.push(`${label}:${seconds}`);
        return round(seconds === 2 ? 1_000 : 1);
      },
    });

    const summaries = await runRoundRobin([scenario('a'), scenario('absent', 'no route'), scenario('b')], {
      rounds: 2,
      seconds: 5,
      warmUpSeconds: 2,
    });

    expect(runs).toEqual(['a:2', 'b:2', 'a:5', 'b:5', 'b:5', 'a:5']);
    expect(summaries.map((summary) => summary.rounds.map((counted) => counted.payments))).toEqual([[1, 1], [], [1, 1]]);
  });
});

describe('comparisonTable', () => {
  const summary = (
    group: string,
    contender: Scenario['contender'],
    label: string,
    rounds: Round[],
    unavailable?: string,
  ) => ({
    scenario: { group, contender, label, unavailable, run: async () => round(0) },
    rounds,
  });

  it('divides the ledger by the best hand-rolled variant of its own group, and says what was not run', () => {
    const lines = comparisonTable([
      summary('spread', 'ledger', 'ledger', [round(100), round(300)]),
      summary('spread', 'hand-rolled', 'statements', [round(400), round(400)]),
      summary('spread', 'hand-rolled', 'one call', [round(800), round(800)]),
      summary('hot', 'hand-rolled', 'one call', [round(50_000)]),
      summary('batches', 'ledger', 'ledger', [], 'route absent'),
      summary('floor', 'floor', 'INSERT', [round(6_000, 3), round(5_000, 5), round(7_000, 4)]),
    ]);

    expect(lines[2]).toBe('| spread | ledger | 200 | 100 / 300 | 1.0 ms | 2.0 ms | 0 |  |  |  | **0.25×** |');
    expect(lines[5]).toContain('| 50,000 |');
    expect(lines[6]).toBe('| batches | ledger | n/a (route absent) | | | | | | | | |');
    expect(lines[7]).toBe('| floor | INSERT | 6,000 | 6,000 / 5,000 / 7,000 | 4.0 ms | 8.0 ms | 0 |  |  |  |  |');
  });
  it("shows the machine's and the server process's CPU a payment over all rounds when every round measured it", () => {
    const measured = (payments: number, cpuMs: number, serverCpuMs?: number): Round => ({
      ...round(payments),
      cpuMs,
      serverCpuMs,
    });
    const lines = comparisonTable([
      summary('spread', 'ledger', 'ledger', [measured(100, 150, 50), measured(300, 250, 150)]),
      summary('spread', 'hand-rolled', 'one call', [measured(400, 100, 40), round(400)]),
      summary('floor', 'floor', 'INSERT', [measured(1_000, 100)]),
    ]);

    expect(lines[2]).toContain('| 0 | 1.00 ms | 0.50 ms |  | **0.50×** |');
    expect(lines[3]).toContain('| 0 |  |  |  |  |');
    expect(lines[4]).toContain('| 0 | 0.10 ms |  |  |  |');
  });
  it('shows the WAL written a payment over all rounds when every round measured it', () => {
    const withWal = (payments: number, walBytes?: number): Round => ({ ...round(payments), walBytes });
    const lines = comparisonTable([
      summary('spread', 'ledger', 'ledger', [withWal(100, 512_000), withWal(300, 1_536_000)]),
      summary('spread', 'hand-rolled', 'one call', [withWal(400, 1_024), withWal(400)]),
    ]);

    expect(lines[2]).toContain('| 0 |  |  | 5.0 kB | **0.50×** |');
    expect(lines[3]).toContain('| 0 |  |  |  |  |');
  });
});
