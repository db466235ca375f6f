import { PoolClient } from 'pg';
import { prepared } from '@ledger/database';

/** A read-model row as PostgreSQL returns it: snake_case columns, with an `id` primary key. */
export type Row = { id: string } & Record<string, unknown>;

/**
 * The rows of one read-model table that a projection batch touches: read in one query, changed
 * in memory event by event, written back in one statement. A batch of any size then costs a
 * handful of statements instead of several per event.
 */
export class RowBatch<TableRow extends Row> {
  private readonly rows = new Map<string, TableRow>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly table: string,
    /** The columns an event may change on an existing row; the others are fixed when it is made. */
    private readonly mutableColumns: readonly (keyof TableRow & string)[],
  ) {}

  /** Reads the existing rows whose `column` is one of `values` (`id`, or an indexed reference). */
  async load(client: PoolClient, column: keyof TableRow & string, values: readonly string[]): Promise<void> {
    if (values.length === 0) return;
    const { rows } = await client.query<TableRow>(
      prepared(`SELECT * FROM ${this.table} WHERE ${column} = ANY($1::uuid[])`, [[...new Set(values)]]),
    );
    for (const row of rows) if (!this.rows.has(row.id)) this.rows.set(row.id, row);
  }

  get(id: string): TableRow | undefined {
    return this.rows.get(id);
  }

  /** Adds a row unless one with its id exists (a redelivered event). */
  insert(row: TableRow): void {
    if (this.rows.has(row.id)) return;
    this.rows.set(row.id, row);
    this.changed.add(row.id);
  }

  /** Changes a row if it exists, as an UPDATE would. */
  update(id: string, change: (row: TableRow) => Partial<TableRow>): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.rows.set(id, { ...row, ...change(row) });
    this.changed.add(id);
  }

  /** Writes every new or changed row in one statement. */
  async write(client: PoolClient): Promise<void> {
    if (this.changed.size === 0) return;
    const rows = [...this.changed].map((id) => this.rows.get(id)!);
    const onConflict =
      this.mutableColumns.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${this.mutableColumns.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`;
    await client.query(
      prepared(
        `INSERT INTO ${this.table} SELECT * FROM json_populate_recordset(NULL::${this.table}, $1::json)
       ON CONFLICT (id) ${onConflict}`,
        [JSON.stringify(rows)],
      ),
    );
    this.changed.clear();
  }
}
