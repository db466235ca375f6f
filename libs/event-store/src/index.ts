export * from './event-store.port';
export * from './postgres/postgres-event-store';
export * from './postgres/postgres-hash-chain';
export * from './kurrentdb/kurrentdb-event-store';
export * from './event-store.factory';
