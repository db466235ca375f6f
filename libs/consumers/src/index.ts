export * from './consumer';
export * from './checkpoints';
export * from './consumer-runner';
export * from './projection-rebuild';
