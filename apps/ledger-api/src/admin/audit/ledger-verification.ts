import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { readCheckpoint } from '@ledger/consumers';
import { ChainReport, comparePositions, EVENT_STORE, EventStore, parsePosition, Position } from '@ledger/event-store';
import { AccountEvent, AccountState, evolveAccount, initialAccountState } from '@ledger/ledger-domain';
import {
  accountDiscrepancies,
  AccountRow,
  accountsProjection,
  accountStream,
  Discrepancy,
  streamEvents,
} from '../../accounts';
import { PG_POOL } from '../../infrastructure/infrastructure.module';
import { toDomainEvent } from '@ledger/event-sourcing';
import { CHAIN_VERIFIER, ChainVerifier } from './hash-chain';

/** Accounts taken per round: their openings, their read-model rows and their replays. */
const ACCOUNTS_PER_ROUND = 200;
/** Replays in flight at once; each holds at most one page of events. */
const PARALLEL_REPLAYS = 8;
/** Findings listed in full; beyond these only counted. */
const MAX_LISTED = 1_000;

export interface VerificationReport {
  accounts: number;
  events: number;
  discrepancies: Discrepancy[];
  discrepancyCount: number;
  journalBalanced: boolean;
  /** The events' own integrity: hash chains, and with PostgreSQL stream heads and checkpoints too. */
  chain: ChainReport | null;
  durationMs: number;
}

/**
 * Checks that the events are the ones appended (hash chains), replays every account from its
 * events and compares it with its read-model row, then sums the journal per currency. Accounts come a round at a time from their openings in `$all`, so memory
 * stays flat however large the ledger.
 */
@Injectable()
export class LedgerVerification {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CHAIN_VERIFIER) private readonly chain: ChainVerifier | null,
  ) {}

  async verify(): Promise<VerificationReport> {
    const started = Date.now();
    const chain = this.chain ? await this.chain.verify() : null;
    const report = { accounts: 0, events: 0, discrepancies: [] as Discrepancy[], discrepancyCount: 0 };
    const found = (discrepancies: Discrepancy[]) => {
      report.discrepancyCount += discrepancies.length;
      report.discrepancies.push(...discrepancies.slice(0, MAX_LISTED - report.discrepancies.length));
    };
    const { position: projectedTo } = await readCheckpoint(this.pool, accountsProjection.name);
    let projectedRows = 0;
    let after: Position | undefined;
    for (;;) {
      const openings = await this.store.readAll({
        after,
        maxCount: ACCOUNTS_PER_ROUND,
        filter: { eventTypes: ['AccountOpened'] },
      });
      if (openings.length === 0) break;
      after = openings[openings.length - 1].position;
      const ids = openings.map((opening) => (opening.data as { accountId: string }).accountId);
      const rows = await this.rowsOf(ids);
      await inParallel(openings, PARALLEL_REPLAYS, async (opening) => {
        const accountId = (opening.data as { accountId: string }).accountId;
        const row = rows.get(accountId);
        // An account opened after the accounts projection's checkpoint has no row yet, rightly.
        if (!row && (!projectedTo || comparePositions(opening.position, projectedTo) > 0)) return;
        if (row) projectedRows++;
        const { state, events } = await this.replay(accountId, row);
        report.accounts++;
        report.events += events;
        found(accountDiscrepancies(accountId, state, row));
      });
    }
    found(await this.rowsWithoutStreams(projectedRows));
    const journal = await this.unbalancedJournal();
    found(journal);
    return { ...report, journalBalanced: journal.length === 0, chain, durationMs: Date.now() - started };
  }

  /** The account's state as of the last event its row reflects (all of them when it has no row). */
  private async replay(accountId: string, row: AccountRow | undefined) {
    const upTo = row ? parsePosition(row.position) : undefined;
    let state: AccountState = initialAccountState;
    let events = 0;
    for await (const recorded of streamEvents(this.store, accountStream(accountId))) {
      if (upTo && comparePositions(recorded.position, upTo) > 0) break;
      state = evolveAccount(state, toDomainEvent<AccountEvent>(recorded));
      events++;
    }
    return { state, events };
  }

  private async rowsOf(ids: string[]): Promise<Map<string, AccountRow>> {
    const { rows } = await this.pool.query<AccountRow>('SELECT * FROM rm_accounts WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Rows no account's events account for; looked for only when there are more rows than accounts. */
  private async rowsWithoutStreams(matched: number): Promise<Discrepancy[]> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) FROM rm_accounts');
    if (BigInt(rows[0].count) <= BigInt(matched)) return [];
    const orphans: Discrepancy[] = [];
    for (let last = '00000000-0000-0000-0000-000000000000'; ;) {
      const page = await this.pool.query<{ id: string }>(
        'SELECT id FROM rm_accounts WHERE id > $1 ORDER BY id LIMIT $2',
        [last, ACCOUNTS_PER_ROUND],
      );
      if (page.rows.length === 0) return orphans;
      last = page.rows[page.rows.length - 1].id;
      await inParallel(page.rows, PARALLEL_REPLAYS, async ({ id }) => {
        const events = await this.store.readStream(accountStream(id), { maxCount: 1 });
        if (events.length === 0) orphans.push({ accountId: id, field: 'exists', expected: false, found: true });
      });
    }
  }

  /** Every currency's postings must sum to zero. */
  private async unbalancedJournal(): Promise<Discrepancy[]> {
    const { rows } = await this.pool.query<{ currency: string; total: string }>(
      'SELECT currency, sum(amount)::text AS total FROM rm_journal GROUP BY currency HAVING sum(amount) <> 0 ORDER BY currency',
    );
    return rows.map((row) => ({ accountId: null, field: `journal.${row.currency}`, expected: 0, found: row.total }));
  }
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
