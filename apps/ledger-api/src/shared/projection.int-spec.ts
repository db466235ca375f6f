import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { Fact, projectTable, projectWithFacts, TableBatch, TableProjection } from './projection';

interface ItemRow {
  id: string;
  owner: string;
  status: string;
  amount: string;
  created_at: Date;
}

type ItemEvent =
  | { type: 'made'; item: ItemRow }
  | { type: 'paid'; id: string; amount: string }
  | { type: 'renamed'; id: string; status: string }
  | { type: 'dropped'; id: string }
  | { type: 'noted'; id: string };

const items: TableProjection<ItemEvent, ItemRow> = {
  table: 'items',
  rowOf: (event) => (event.type === 'made' ? event.item.id : event.id),
  evolve(row, event) {
    switch (event.type) {
      case 'made':
        return row ?? event.item;
      case 'paid':
        return row && { ...row, amount: (BigInt(row.amount) + BigInt(event.amount)).toString() };
      case 'renamed':
        return row && { ...row, status: event.status };
      case 'dropped':
        return null;
      case 'noted':
        return row;
    }
  },
};

describe('A table projection: evolve(row | null, event) → row | null, one read and one write per batch', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase([]);
    await database.pool.query(
      `CREATE TABLE items (id uuid PRIMARY KEY, owner uuid NOT NULL, status text NOT NULL, amount bigint NOT NULL,
                           created_at timestamptz NOT NULL)`,
    );
  });
  afterAll(() => database.drop());

  const item = (status = 'new'): ItemRow => ({
    id: randomUUID(),
    owner: randomUUID(),
    status,
    amount: '9007199254740993',
    created_at: new Date('2026-11-22T10:00:00.123Z'),
  });
  const stored = async (...ids: string[]) =>
    (await database.pool.query('SELECT * FROM items WHERE id = ANY($1::uuid[]) ORDER BY status', [ids])).rows;
  const project = async (events: ItemEvent[]) => {
    const client = await database.pool.connect();
    try {
      await projectTable(client, items, events);
    } finally {
      client.release();
    }
  };

  it('makes rows, folds later events over them, and leaves rows already there as they are', async () => {
    const [kept, changed] = [item('kept'), item('old')];
    await project([
      { type: 'made', item: kept },
      { type: 'made', item: changed },
    ]);
    const added = item('added');
    await project([
      // A row already there is evolved, never made again (a redelivered event).
      { type: 'made', item: { ...kept, status: 'overwritten' } },
      { type: 'paid', id: changed.id, amount: '1' },
      { type: 'renamed', id: changed.id, status: 'new' },
      { type: 'paid', id: changed.id, amount: '1' },
      // An event for a row that does not exist makes none.
      { type: 'paid', id: randomUUID(), amount: '5' },
      { type: 'made', item: added },
    ]);
    expect(await stored(kept.id, changed.id, added.id)).toEqual([
      added,
      kept,
      { ...changed, status: 'new', amount: '9007199254740995' },
    ]);
  });

  it('stores every column an event changes: none is left behind as it was when the row was made', async () => {
    const original = item();
    await project([{ type: 'made', item: original }]);
    await project([
      { type: 'renamed', id: original.id, status: 'done' },
      { type: 'paid', id: original.id, amount: '-9007199254740992' },
    ]);
    expect(await stored(original.id)).toEqual([{ ...original, status: 'done', amount: '1' }]);
  });

  it('removes a row evolved to null', async () => {
    const [removed, kept] = [item(), item()];
    await project([
      { type: 'made', item: removed },
      { type: 'made', item: kept },
    ]);
    await project([{ type: 'dropped', id: removed.id }]);
    expect(await stored(removed.id, kept.id)).toEqual([kept]);
  });

  it('writes nothing for events that change no row, and refuses an event whose row it did not read', async () => {
    const original = item();
    await project([{ type: 'made', item: original }]);
    const client = await database.pool.connect();
    try {
      const batch = await TableBatch.read(client, items, [{ type: 'noted', id: original.id }]);
      expect(batch.apply({ type: 'noted', id: original.id })).toEqual(original);
      expect(() => batch.apply({ type: 'paid', id: randomUUID(), amount: '1' })).toThrow(/was not read/);
      await database.pool.query("UPDATE items SET status = 'changed elsewhere' WHERE id = $1", [original.id]);
      await batch.write(client);
    } finally {
      client.release();
    }
    expect(await stored(original.id)).toEqual([{ ...original, status: 'changed elsewhere' }]);
  });

  it('fails rather than drop a change: a field that is no column, a column left without a value', async () => {
    const original = item();
    await project([{ type: 'made', item: original }]);
    const misnamed = { ...item(), updatedAt: new Date() };
    await expect(project([{ type: 'made', item: misnamed }])).rejects.toThrow(/updatedAt/);
    const unset = { ...item(), status: undefined as unknown as string };
    await expect(project([{ type: 'made', item: unset }])).rejects.toThrow(/no value for status/);
    const renamed: ItemEvent = { type: 'renamed', id: original.id, status: undefined as unknown as string };
    await expect(project([renamed])).rejects.toThrow(/no value for status/);
    expect(await stored(original.id, misnamed.id, unset.id)).toEqual([original]);
  });

  it('hands the tables that follow each event with its row after it, then writes the first table', async () => {
    const original = item();
    const made: ItemEvent = { type: 'made', item: original };
    const paid: ItemEvent = { type: 'paid', id: original.id, amount: '2' };
    const unknown: ItemEvent = { type: 'paid', id: randomUUID(), amount: '1' };
    let handed: Fact<ItemEvent, ItemRow>[] = [];
    const client = await database.pool.connect();
    try {
      await projectWithFacts(client, items, [made, paid, unknown], async (facts) => {
        handed = facts;
        // The first table is written only after the tables that follow it.
        expect(await stored(original.id)).toEqual([]);
      });
    } finally {
      client.release();
    }
    expect(handed).toEqual([
      { event: made, row: original },
      { event: paid, row: { ...original, amount: '9007199254740995' } },
      { event: unknown, row: null },
    ]);
    expect(await stored(original.id)).toEqual([{ ...original, amount: '9007199254740995' }]);
  });
});
