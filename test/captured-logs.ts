import pino, { Logger } from 'pino';

export interface CapturedLogs {
  /** A logger writing JSON lines into `lines` (synchronously), at debug and above. */
  logger: Logger;
  lines: Record<string, any>[];
}

/** The app's log stream, kept in memory, for tests of what the logs say. */
export function capturedLogs(): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
