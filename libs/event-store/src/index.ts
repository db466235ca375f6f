// The port alone: types, the injection token and the position helpers; and the hash chains' content
// and check, which need no driver either. The adapters live behind their own entry points
// (@ledger/event-store/postgres, /kurrentdb, /factory) so that code which only reads or appends
// through the port never loads `pg` or the KurrentDB client.
export * from './event-store.port';
export * from './hash-chain';
