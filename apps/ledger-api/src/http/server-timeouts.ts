import type { Server, ServerOptions } from 'node:http';

const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * A client that promises more than it sends, or sends it slowly, must not hold a connection
 * forever: the whole request within `requestTimeoutMs` (headers within 10 s), else 408 and the
 * connection closes. Set before listen(): Node reads the checking interval when listening starts.
 */
export function applyServerTimeouts(
  server: Server & Pick<ServerOptions, 'connectionsCheckingInterval'>,
  requestTimeoutMs: number,
): void {
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node enforces the two timeouts above only when it checks, every 30 s by default; a createServer
  // option that @types/node does not declare on the instance, where Node reads it on listen().
  server.connectionsCheckingInterval = Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, Math.ceil(requestTimeoutMs / 4));
}
