import {
  BankStatementLine,
  decideReconciliation,
  evolveReconciliation,
  initialReconciliationState,
  matchStatement,
  ReconciliationState,
  SettledTransfer,
} from './reconciliation';

const line = (transferId: string, changes: Partial<BankStatementLine> = {}): BankStatementLine => ({
  bankReference: `BNK-${transferId}`,
  transferId,
  amount: '100',
  currency: 'EUR',
  direction: 'credit',
  valueDate: '2026-12-01',
  ...changes,
});

const settled = (transferId: string, changes: Partial<SettledTransfer> = {}): SettledTransfer => ({
  transferId,
  kind: 'deposit',
  amount: '100',
  currency: 'EUR',
  valueDate: '2026-12-01',
  ...changes,
});

const match = (lines: BankStatementLine[], ledger: SettledTransfer[]) =>
  matchStatement(lines, ledger, (kind, transferId) => `${kind}/${transferId}`);

describe('matching a bank statement with settled transfers', () => {
  it('matches a deposit to a credit and a withdrawal to a debit of the same amount and currency', () => {
    const result = match(
      [line('d'), line('w', { direction: 'debit' })],
      [settled('d'), settled('w', { kind: 'withdrawal' })],
    );
    expect(result).toEqual({
      matched: [
        { transferId: 'd', bankReference: 'BNK-d' },
        { transferId: 'w', bankReference: 'BNK-w' },
      ],
      exceptions: [],
    });
  });

  it.each<[string, BankStatementLine[], SettledTransfer[], string, Record<string, unknown>]>([
    [
      'a line the ledger never settled',
      [line('x')],
      [],
      'missing_in_ledger',
      { bankAmount: '100', ledgerAmount: null },
    ],
    [
      'a settled transfer of the statement’s days that the bank does not list',
      [line('d')],
      [settled('d'), settled('gone', { valueDate: '2026-12-01', kind: 'withdrawal' })],
      'missing_in_bank',
      { transferId: 'gone', bankAmount: null, ledgerAmount: '-100', bankReference: null },
    ],
    [
      'another amount',
      [line('d', { amount: '101' })],
      [settled('d')],
      'amount_mismatch',
      { bankAmount: '101', ledgerAmount: '100' },
    ],
    [
      'the other direction (a withdrawal the bank credited)',
      [line('w')],
      [settled('w', { kind: 'withdrawal' })],
      'amount_mismatch',
      { bankAmount: '100', ledgerAmount: '-100' },
    ],
    [
      'another currency',
      [line('d', { currency: 'USD' })],
      [settled('d')],
      'currency_mismatch',
      { bankCurrency: 'USD', ledgerCurrency: 'EUR' },
    ],
  ])('reports %s as one exception', (_, lines, ledger, kind, details) => {
    const { exceptions } = match(lines, ledger);
    expect(exceptions).toEqual([expect.objectContaining({ kind, ...details })]);
    expect(exceptions[0].exceptionId).toBe(`${kind}/${exceptions[0].transferId}`);
  });

  it('does not ask the bank for transfers settled outside the statement’s days', () => {
    const ledger = [
      settled('d'),
      settled('later', { valueDate: '2026-12-02' }),
      settled('earlier', { valueDate: '2026-11-30' }),
    ];
    expect(match([line('d')], ledger).exceptions).toEqual([]);
  });
});

describe('a reconciliation run', () => {
  const run = {
    reconciliationId: 'r',
    fileSha256: 'f',
    statementFrom: '2026-12-01',
    statementTo: '2026-12-01',
    lines: 1,
    matched: [],
    exceptions: match([line('x')], []).exceptions,
    recordedBy: 'admin',
  };
  const now = new Date('2026-12-02T10:00:00Z');
  const recorded = (): ReconciliationState => {
    const decision = decideReconciliation({ type: 'RecordReconciliation', run }, initialReconciliationState, now);
    if (!decision.ok) throw new Error('refused');
    return decision.events.reduce(evolveReconciliation, initialReconciliationState);
  };
  const resolve = (state: ReconciliationState, exceptionId = 'missing_in_ledger/x') =>
    decideReconciliation(
      { type: 'ResolveReconciliationException', exceptionId, resolution: 'accepted', note: 'ok', resolvedBy: 'admin' },
      state,
      now,
    );

  it('is recorded once: the same file again decides nothing', () => {
    expect(decideReconciliation({ type: 'RecordReconciliation', run }, recorded(), now)).toEqual({
      ok: true,
      events: [],
    });
  });

  it('resolves an open exception once, naming who and when', () => {
    const decision = resolve(recorded());
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'ReconciliationExceptionResolved',
          data: {
            reconciliationId: 'r',
            exceptionId: 'missing_in_ledger/x',
            resolution: 'accepted',
            note: 'ok',
            resolvedBy: 'admin',
            at: now.toISOString(),
          },
        },
      ],
    });
    const after = decision.ok ? decision.events.reduce(evolveReconciliation, recorded()) : recorded();
    expect(resolve(after)).toMatchObject({ ok: false, error: { code: 'exception_not_open' } });
    expect(resolve(recorded(), 'nope')).toMatchObject({ ok: false, error: { code: 'exception_not_found' } });
    expect(resolve(initialReconciliationState)).toMatchObject({
      ok: false,
      error: { code: 'reconciliation_not_found' },
    });
  });
});
