export * from './consumer';
export * from './checkpoints';
export * from './all-reader';
export * from './consumer-runner';
export * from './projection-commits';
export * from './projection-rebuild';
