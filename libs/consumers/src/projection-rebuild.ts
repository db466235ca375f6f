import { escapeIdentifier, Pool, PoolClient } from 'pg';
import { comparePositions, EventStore, matchesFilter, Position, RecordedEvent } from '@ledger/event-store';
import { moveCheckpoint, readCheckpoint } from './checkpoints';
import { Projection } from './consumer';
import { lockProjectionWrites } from './projection-commits';

export interface RebuildProgress {
  processed: bigint;
  /** Events in `$all` when the rebuild began; grows to `processed` if more arrived meanwhile. */
  total: bigint;
}

export interface RebuildResult {
  processed: bigint;
  /**
   * Rows that differed between the live table and the rebuilt one at the swap, per table; null
   * when a live projection behind the copies could not be brought to their position to compare.
   */
  differences: Record<string, number> | null;
}

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => Promise<void> | void;
  signal?: AbortSignal;
  /** How long the swap may wait for queries holding the live tables. */
  lockTimeoutMs?: number;
}

/**
 * The projections that must be rebuilt with `name`: those reachable from it through shared
 * tables, since a table is rebuilt whole. Undefined when `name` is unknown or names no tables.
 */
export function rebuildSetOf(projections: readonly Projection[], name: string): Projection[] | undefined {
  const start = projections.find((projection) => projection.name === name);
  if (!start?.tables?.length) return undefined;
  const set = new Set([start]);
  for (let grew = true; grew;) {
    grew = false;
    const tables = new Set([...set].flatMap((projection) => projection.tables ?? []));
    for (const projection of projections) {
      if (!set.has(projection) && projection.tables?.some((table) => tables.has(table))) {
        set.add(projection);
        grew = true;
      }
    }
  }
  return [...set].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Rebuilds projections without stopping them: fresh copies of their tables in a schema of their
 * own are filled from the start of `$all` while the live tables keep serving; then, holding the
 * live projections still, the copies catch up to the live checkpoints, are compared with the
 * live tables, and take their place in one transaction. Until that commit nothing live changes,
 * so a rebuild that fails or dies leaves the live read models as they were.
 */
export class ProjectionRebuild {
  private readonly names: string[];
  private readonly tables: string[];
  private readonly schema: string;
  private readonly retiredSchema: string;
  private processed = 0n;
  /** Secondary indexes of the copies, built once they are filled. */
  private readonly deferredIndexes: string[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly projections: readonly Projection[],
    private readonly options: RebuildOptions = {},
  ) {
    this.names = projections.map((projection) => projection.name).sort();
    this.tables = [...new Set(projections.flatMap((projection) => projection.tables ?? []))].sort();
    const key = this.names.join('_').replace(/[^a-z0-9_]/g, '_');
    this.schema = `ledger_rebuild_${key}`.slice(0, 63);
    this.retiredSchema = `ledger_retired_${key}`.slice(0, 63);
  }

  async run(): Promise<RebuildResult> {
    const liveSchema = await this.prepareTables();
    try {
      const total = await this.store.countAfter(undefined);
      const report = () => this.options.onProgress?.({ processed: this.processed, total: max(total, this.processed) });
      await report();
      const batchSize = this.options.batchSize ?? 2_000;
      const read = (after: Position | undefined) => this.store.readAll({ after, maxCount: batchSize });
      let after: Position | undefined;
      // Until a read comes back short: close enough to the head that the swap catches up the rest.
      // The next batch is read while this one is written.
      for (let next = read(after); ;) {
        this.options.signal?.throwIfAborted();
        const events = await next;
        if (events.length === 0) break;
        after = events[events.length - 1].position;
        const full = events.length === batchSize;
        if (full) next = read(after);
        await this.inTransaction(liveSchema, (client) => this.applyToAll(client, events)).catch((error: unknown) => {
          void next.catch(() => undefined);
          throw error;
        });
        await report();
        if (!full) break;
      }
      for (const statement of this.deferredIndexes) await this.pool.query(statement);
      const differences = await this.inTransaction(liveSchema, (client) => this.swap(client, liveSchema, after));
      await report();
      return { processed: this.processed, differences };
    } catch (error) {
      await this.pool.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(this.schema)} CASCADE`).catch(() => undefined);
      throw error;
    }
  }

  /** Empty copies of the live tables (columns, defaults, constraints, indexes under their live names). */
  private async prepareTables(): Promise<string> {
    const { rows } = await this.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
    const live = rows[0].schema;
    await this.inTransaction(live, async (client) => {
      // A rebuild killed earlier may have left its schema behind.
      await client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(this.schema)} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(this.retiredSchema)} CASCADE`);
      await client.query(`CREATE SCHEMA ${escapeIdentifier(this.schema)}`);
      for (const table of this.tables) {
        await client.query(
          `CREATE TABLE ${this.qualified(this.schema, table)} (LIKE ${this.qualified(live, table)} INCLUDING ALL)`,
        );
        await this.copyIndexNames(client, live, table);
        await this.deferSecondaryIndexes(client, live, table);
      }
    });
    return live;
  }

  /**
   * Drops the copy's indexes that no constraint needs (`ON CONFLICT` needs the unique ones) and
   * keeps their definitions, aimed at the copy, for after the fill.
   */
  private async deferSecondaryIndexes(client: PoolClient, live: string, table: string): Promise<void> {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = $1::regclass AND NOT x.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
      [this.qualified(live, table)],
    );
    for (const index of rows) {
      await client.query(`DROP INDEX IF EXISTS ${this.qualified(this.schema, index.name)}`);
      this.deferredIndexes.push(
        index.definition.replace(/ ON (ONLY )?\S+ USING /, ` ON ${this.qualified(this.schema, table)} USING `),
      );
    }
  }

  /** LIKE names the copied indexes itself; give them the live names so later migrations find them. */
  private async copyIndexNames(client: PoolClient, live: string, table: string): Promise<void> {
    const indexes = async (schema: string) => {
      const { rows } = await client.query<{ name: string; definition: string }>(
        `SELECT i.relname AS name,
                x.indisunique::text || regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', '') AS definition
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
          WHERE x.indrelid = $1::regclass ORDER BY i.relname`,
        [this.qualified(schema, table)],
      );
      return rows;
    };
    const liveIndexes = await indexes(live);
    const copies = await indexes(this.schema);
    const renames = copies.flatMap((copy, index) => {
      const match = liveIndexes.find((candidate) => candidate.definition === copy.definition);
      return match ? [{ from: copy.name, temporary: `ledger_rebuild_index_${index}`, to: match.name }] : [];
    });
    // Through temporary names, so that no rename collides with a copy not yet renamed.
    for (const step of ['temporary', 'to'] as const) {
      for (const rename of renames) {
        const current = step === 'temporary' ? rename.from : rename.temporary;
        await client.query(
          `ALTER INDEX ${this.qualified(this.schema, current)} RENAME TO ${escapeIdentifier(rename[step])}`,
        );
      }
    }
  }

  private async applyToAll(client: PoolClient, events: readonly RecordedEvent[], bounds?: Map<string, Bounds>) {
    await applyWithin(client, this.projections, events, bounds);
    this.processed += BigInt(events.length);
  }

  /**
   * Holds the live projections still and brings the copies and the live tables to one position:
   * copies catch up to live checkpoints ahead of them, live projections behind the copies catch up
   * in their own tables (their checkpoints move with them). Then compares, and moves the copies
   * into the live schema. `differences` is null if a lagging live projection could not catch up.
   */
  private async swap(client: PoolClient, live: string, rebuiltTo: Position | undefined) {
    await client.query(`SET LOCAL lock_timeout = ${Number(this.options.lockTimeoutMs ?? 10_000)}`);
    await lockProjectionWrites(client, this.names, 'exclusive');
    const checkpoints = new Map<string, Position | undefined>();
    for (const name of this.names) checkpoints.set(name, (await readCheckpoint(client, name)).position);
    let comparable = true;
    const behind = new Map(
      [...checkpoints].filter(([, position]) => rebuiltTo && (!position || comparePositions(position, rebuiltTo) < 0)),
    );
    if (rebuiltTo && behind.size > 0) {
      comparable = await this.catchUpLive(client, live, behind, rebuiltTo);
      for (const [name, position] of behind) {
        await moveCheckpoint(client, name, position, rebuiltTo);
        checkpoints.set(name, rebuiltTo);
      }
    }
    const ahead = new Map(
      [...checkpoints].flatMap(([name, position]) => (position ? [[name, { upTo: position }] as const] : [])),
    );
    await this.readAndApply(rebuiltTo, furthestOf([...ahead.values()].map((bound) => bound.upTo)), (events) =>
      this.applyToAll(client, events, ahead),
    );
    let differences: Record<string, number> | null = null;
    if (comparable) {
      differences = {};
      for (const table of this.tables) differences[table] = await this.countDifferences(client, live, table);
    }
    await client.query(`CREATE SCHEMA ${escapeIdentifier(this.retiredSchema)}`);
    for (const table of this.tables) {
      await client.query(
        `ALTER TABLE ${this.qualified(live, table)} SET SCHEMA ${escapeIdentifier(this.retiredSchema)}`,
      );
      await client.query(`ALTER TABLE ${this.qualified(this.schema, table)} SET SCHEMA ${escapeIdentifier(live)}`);
    }
    await client.query(`DROP SCHEMA ${escapeIdentifier(this.retiredSchema)} CASCADE`);
    await client.query(`DROP SCHEMA ${escapeIdentifier(this.schema)}`);
    return differences;
  }

  /**
   * Applies the events a lagging live projection has not seen, up to `to`, to the live tables:
   * only so that they can be compared with the copies at one position. False, with the live
   * tables as they were, if that fails (a live table broken is a reason to rebuild).
   */
  private async catchUpLive(
    client: PoolClient,
    live: string,
    behind: Map<string, Position | undefined>,
    to: Position,
  ): Promise<boolean> {
    const bounds = new Map([...behind].map(([name, after]) => [name, { after, upTo: to }]));
    const starts = [...behind.values()];
    const from = starts.includes(undefined) ? undefined : earliestOf(starts as Position[]);
    await client.query('SAVEPOINT live_catch_up');
    try {
      await client.query(`SET LOCAL search_path TO ${escapeIdentifier(live)}`);
      await this.readAndApply(from, to, (events) => applyWithin(client, this.projections, events, bounds));
      await client.query(`SET LOCAL search_path TO ${escapeIdentifier(this.schema)}, ${escapeIdentifier(live)}`);
      await client.query('RELEASE SAVEPOINT live_catch_up');
      return true;
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT live_catch_up');
      return false;
    }
  }

  /** Reads `$all` after `from` in batches until `to` is passed (or the end), handing each batch on. */
  private async readAndApply(
    from: Position | undefined,
    to: Position | undefined,
    apply: (events: readonly RecordedEvent[]) => Promise<void>,
  ): Promise<void> {
    let after = from;
    while (to && (!after || comparePositions(after, to) < 0)) {
      const events = await this.store.readAll({ after, maxCount: this.options.batchSize ?? 2_000 });
      if (events.length === 0) return;
      await apply(events);
      after = events[events.length - 1].position;
    }
  }

  /** Rows in one table but not the other, either way; identity columns are surrogate and left out. */
  private async countDifferences(client: PoolClient, live: string, table: string): Promise<number> {
    const { rows: columns } = await client.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attidentity = ''
        ORDER BY attnum`,
      [this.qualified(live, table)],
    );
    const list = columns.map((column) => escapeIdentifier(column.name)).join(', ');
    const [a, b] = [this.qualified(live, table), this.qualified(this.schema, table)];
    const { rows } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM (
         (SELECT ${list} FROM ${a} EXCEPT ALL SELECT ${list} FROM ${b})
         UNION ALL
         (SELECT ${list} FROM ${b} EXCEPT ALL SELECT ${list} FROM ${a})) AS differing`,
    );
    return rows[0].count;
  }

  /** Runs `work` in a transaction whose unqualified table names resolve to the copies first. */
  private async inTransaction<T>(live: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL search_path TO ${escapeIdentifier(this.schema)}, ${escapeIdentifier(live)}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private qualified(schema: string, table: string): string {
    return `${escapeIdentifier(schema)}.${escapeIdentifier(table)}`;
  }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** Which events of `$all` a projection takes: after `after` (exclusive) and up to `upTo`. */
interface Bounds {
  after?: Position;
  upTo: Position;
}

/** Applies each projection's share of `events`; with `bounds`, a projection without bounds takes none. */
async function applyWithin(
  client: PoolClient,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  bounds?: Map<string, Bounds>,
): Promise<void> {
  for (const projection of projections) {
    const bound = bounds?.get(projection.name);
    if (bounds && !bound) continue;
    const relevant = events.filter(
      (event) =>
        matchesFilter(event, projection.filter) &&
        (!bound ||
          ((!bound.after || comparePositions(event.position, bound.after) > 0) &&
            comparePositions(event.position, bound.upTo) <= 0)),
    );
    if (relevant.length > 0) await projection.apply(relevant, client);
  }
}

const furthestOf = (positions: readonly Position[]): Position | undefined =>
  positions.reduce<Position | undefined>((a, b) => (a && comparePositions(a, b) >= 0 ? a : b), undefined);

const earliestOf = (positions: readonly Position[]): Position | undefined =>
  positions.reduce<Position | undefined>((a, b) => (a && comparePositions(a, b) <= 0 ? a : b), undefined);
