export * from './event-store.port';
export * from './postgres/postgres-event-store';
export * from './kurrentdb/kurrentdb-event-store';
export * from './event-store.factory';
