export * from './consumer';
export * from './checkpoints';
export * from './consumer-runner';
