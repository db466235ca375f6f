import { describeEventStoreContract } from '../testing/event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    'KurrentDB',
    async () => new KurrentDbEventStore(connectionString),
    async () => undefined,
  );
} else {
  console.info('KurrentDB contract suite skipped: EVENTSTORE_CONNECTION_STRING is unset (no KurrentDB server here)');
  describeEventStoreContract.skipped('KurrentDB');
}
