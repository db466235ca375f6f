import { createTestDatabase, TestDatabase } from '../../../../test/database';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { POSTGRES_EVENT_STORE_MIGRATIONS, PostgresEventStore } from './postgres-event-store';

let database: TestDatabase;

describeEventStoreContract(
  'PostgreSQL',
  async () => {
    database = await createTestDatabase([POSTGRES_EVENT_STORE_MIGRATIONS]);
    return new PostgresEventStore(database.pool, database.url);
  },
  () => database.drop(),
);
