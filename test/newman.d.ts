// newman ships no types: the part of its Node API the Postman e2e test uses.
declare module 'newman' {
  interface NewmanRunFailure {
    error: { name: string; test?: string; message: string };
    source?: { name?: string };
  }
  interface NewmanRunSummary {
    run: {
      failures: NewmanRunFailure[];
      stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    };
  }
  interface NewmanRunOptions {
    collection: string | object;
    environment?: string | object;
    envVar?: { key: string; value: string }[];
    reporters?: string[];
    timeoutRequest?: number;
  }
  export function run(
    options: NewmanRunOptions,
    callback: (error: Error | null, summary: NewmanRunSummary) => void,
  ): void;
}
