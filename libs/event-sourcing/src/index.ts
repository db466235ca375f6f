export * from './event-sourcing';
export * from './keyed-queue';
export * from './lru-cache';
export * from './recorded-events';
