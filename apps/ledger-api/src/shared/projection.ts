import { escapeIdentifier, PoolClient } from 'pg';
import { prepared } from '@ledger/database';
import { RecordedEvent } from '@ledger/event-store';
import { toDomainEvent } from '@ledger/event-sourcing';

/** A read-model row: its columns by their PostgreSQL names, with a uuid `id` primary key. */
export type Row = { id: string };

/**
 * How one read-model table follows events, as Emmett writes a projection: the row an event
 * changes, and that row after it. The row `evolve` returns is stored whole, so no change to a
 * column can be lost on the way to the table.
 */
export interface TableProjection<Event, TableRow extends Row> {
  readonly table: string;
  /** The id of the row the event changes; `undefined` when it changes none here. */
  rowOf(event: Event): string | undefined;
  /** The row after the event: `null` while there is none, the very row given when nothing changes. */
  evolve(row: TableRow | null, event: Event): TableRow | null;
}

/**
 * One table's rows for a projection batch: every row the batch's events name is read in one
 * query, the events are folded over them in memory, and the changed rows are written back in one
 * statement. A batch of any size then costs one read and one write per table.
 */
export class TableBatch<Event, TableRow extends Row> {
  private readonly rows = new Map<string, TableRow | null>();
  private readonly changed = new Set<string>();

  private constructor(private readonly projection: TableProjection<Event, TableRow>) {}

  /** Reads the rows `events` name, so that a row already there is evolved, never made again. */
  static async read<Event, TableRow extends Row>(
    client: PoolClient,
    projection: TableProjection<Event, TableRow>,
    events: readonly Event[],
  ): Promise<TableBatch<Event, TableRow>> {
    const batch = new TableBatch(projection);
    const ids = [...new Set(events.flatMap((event) => projection.rowOf(event) ?? []))];
    if (ids.length === 0) return batch;
    const { rows } = await client.query<TableRow>(
      prepared(`SELECT * FROM ${projection.table} WHERE id = ANY($1::uuid[])`, [ids]),
    );
    for (const id of ids) batch.rows.set(id, null);
    for (const row of rows) batch.rows.set(row.id, row);
    return batch;
  }

  /** Evolves the row the event names; returns that row after it (`null` when it names none). */
  apply(event: Event): TableRow | null {
    const id = this.projection.rowOf(event);
    if (id === undefined) return null;
    if (!this.rows.has(id)) throw new Error(`${this.projection.table}: row ${id} was not read for this batch`);
    const before = this.rows.get(id)!;
    const after = this.projection.evolve(before, event);
    if (after === before) return after;
    if (after && after.id !== id) throw new Error(`${this.projection.table}: row ${id} evolved into ${after.id}`);
    this.rows.set(id, after);
    this.changed.add(id);
    return after;
  }

  /**
   * Writes every new or changed row, each column as evolved, in one statement (one more for
   * removals). The columns are named: a row field that is no column of the table fails the
   * statement, and a row without a value for a column the others have fails here, rather than
   * either being dropped on the way to the table.
   */
  async write(client: PoolClient): Promise<void> {
    const changed = [...this.changed].map((id) => [id, this.rows.get(id)!] as const);
    this.changed.clear();
    const upserts = changed.flatMap(([, row]) => (row ? [row] : []));
    const removed = changed.flatMap(([id, row]) => (row ? [] : [id]));
    const { table } = this.projection;
    if (upserts.length > 0) {
      const columns = columnsOf(table, upserts);
      const list = columns.map((column) => escapeIdentifier(column)).join(', ');
      const updated = columns.filter((column) => column !== 'id').map((column) => escapeIdentifier(column));
      const onConflict =
        updated.length === 0
          ? 'DO NOTHING'
          : `DO UPDATE SET ${updated.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`;
      await client.query(
        prepared(
          `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)
           ON CONFLICT (id) ${onConflict}`,
          [JSON.stringify(upserts)],
        ),
      );
    }
    if (removed.length > 0) {
      await client.query(prepared(`DELETE FROM ${table} WHERE id = ANY($1::uuid[])`, [removed]));
    }
  }
}

/** The columns the rows set, the same for every row, each with a value (`null` is one). */
function columnsOf(table: string, rows: readonly Row[]): string[] {
  const columns = Object.keys(rows[0]).sort();
  for (const row of rows) {
    const keys = Object.keys(row).sort();
    const unset = keys.filter((key) => (row as Record<string, unknown>)[key] === undefined);
    if (unset.length > 0) throw new Error(`${table}: row ${row.id} has no value for ${unset.join(', ')}`);
    if (keys.join() !== columns.join()) {
      throw new Error(`${table}: row ${row.id} sets ${keys.join(', ')}, another ${columns.join(', ')}`);
    }
  }
  return columns;
}

/** Folds `events` over one table: one read, the evolves in memory, one write. */
export async function projectTable<Event, TableRow extends Row>(
  client: PoolClient,
  projection: TableProjection<Event, TableRow>,
  events: readonly Event[],
): Promise<void> {
  const batch = await TableBatch.read(client, projection, events);
  for (const event of events) batch.apply(event);
  await batch.write(client);
}

/** An event of a batch with the row of the batch's first table after it. */
export interface Fact<Event, TableRow extends Row> {
  event: Event;
  row: TableRow | null;
}

/**
 * Folds a batch over `table` first, then `follow` folds the facts (each event with that row after
 * it) over the tables whose rows are made from them: a refund's currency is its payment's. Still
 * one read and one write per table.
 */
export async function projectWithFacts<Event, TableRow extends Row>(
  client: PoolClient,
  table: TableProjection<Event, TableRow>,
  events: readonly Event[],
  follow: (facts: Fact<Event, TableRow>[]) => Promise<void>,
): Promise<void> {
  if (events.length === 0) return;
  const batch = await TableBatch.read(client, table, events);
  await follow(events.map((event) => ({ event, row: batch.apply(event) })));
  await batch.write(client);
}

/** The batch's events of the given types, as the domain declares them. */
export const domainEventsOf = <Event>(events: readonly RecordedEvent[], types: ReadonlySet<string>): Event[] =>
  events.filter((event) => types.has(event.type)).map((event) => toDomainEvent<Event>(event));
