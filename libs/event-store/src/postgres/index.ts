export * from './postgres-event-store';
export * from './postgres-hash-chain';
