import { randomUUID } from 'node:crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { RowBatch } from './row-batch';

interface ItemRow {
  [column: string]: unknown;
  id: string;
  owner: string;
  status: string;
  amount: string;
  created_at: string;
}

describe('RowBatch', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase([]);
    await database.pool.query(
      `CREATE TABLE items (id uuid PRIMARY KEY, owner uuid NOT NULL, status text NOT NULL, amount bigint NOT NULL,
                           created_at timestamptz NOT NULL)`,
    );
  });
  afterAll(() => database.drop());

  const item = (owner: string, status = 'new'): ItemRow => ({
    id: randomUUID(),
    owner,
    status,
    amount: '9007199254740993',
    created_at: '2026-11-22T10:00:00.123Z',
  });
  const rows = async () => (await database.pool.query('SELECT * FROM items ORDER BY amount, status')).rows;

  it('reads the rows asked for, changes them in memory, and writes only new or changed rows', async () => {
    const owner = randomUUID();
    const [kept, changed] = [item(owner, 'kept'), item(owner, 'old')];
    const client = await database.pool.connect();
    try {
      const first = new RowBatch<ItemRow>('items', ['status', 'amount']);
      first.insert(kept);
      first.insert(changed);
      await first.write(client);

      const second = new RowBatch<ItemRow>('items', ['status', 'amount']);
      await second.load(client, 'owner', [owner, owner]);
      expect(second.get(kept.id)).toMatchObject({ status: 'kept', amount: '9007199254740993' });
      // An insert over an existing row changes nothing, like ON CONFLICT DO NOTHING.
      second.insert({ ...kept, status: 'overwritten' });
      second.update(changed.id, (row) => ({ status: 'new', amount: (BigInt(row.amount) + 1n).toString() }));
      second.update(changed.id, (row) => ({ amount: (BigInt(row.amount) + 1n).toString() }));
      // An update of a row that does not exist changes nothing, like an UPDATE.
      second.update(randomUUID(), () => ({ status: 'ghost' }));
      const added = item(owner, 'added');
      second.insert(added);
      await second.write(client);
    } finally {
      client.release();
    }
    expect(await rows()).toEqual([
      expect.objectContaining({ id: expect.any(String), status: 'added', amount: '9007199254740993' }),
      expect.objectContaining({ id: kept.id, status: 'kept', amount: '9007199254740993' }),
      expect.objectContaining({ id: changed.id, status: 'new', amount: '9007199254740995' }),
    ]);
    const [row] = await rows();
    expect((row.created_at as Date).toISOString()).toBe('2026-11-22T10:00:00.123Z');
  });

  it('leaves columns not named mutable as they were when the row was made', async () => {
    const original = item(randomUUID());
    const client = await database.pool.connect();
    try {
      const made = new RowBatch<ItemRow>('items', ['status']);
      made.insert(original);
      await made.write(client);
      const later = new RowBatch<ItemRow>('items', ['status']);
      await later.load(client, 'id', [original.id]);
      later.update(original.id, () => ({ status: 'done', amount: '1' }));
      await later.write(client);
    } finally {
      client.release();
    }
    const {
      rows: [stored],
    } = await database.pool.query('SELECT status, amount FROM items WHERE id = $1', [original.id]);
    expect(stored).toEqual({ status: 'done', amount: '9007199254740993' });
  });
});
