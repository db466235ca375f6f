import type { ServerResponse } from 'node:http';
import { comparePositions, Position } from '@ledger/event-store';
import { Principal } from '../auth/principal';
import { Change, maySee } from './change-notice';
import { encodeLiveCursor } from './live-cursor';

/** A client that lets this much pile up unread is cut off; it reconnects with its last id. */
export const SESSION_BUFFER_LIMIT_BYTES = 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;

interface Waiting {
  position: Position;
  /** The SSE message, or undefined when the viewer may not see the change. */
  message: string | undefined;
}

/**
 * One client's stream. While it catches up from its cursor, live changes from the hub wait here
 * (in order); once it is live they are written at once. Every change at or below the last position
 * it has passed is dropped, so the join of history and live sends nothing twice.
 */
export class LiveSession {
  private state: 'catching-up' | 'live' | 'closed' = 'catching-up';
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private passed: Position | undefined;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    readonly viewer: Principal,
    private readonly response: ServerResponse,
    private readonly onClose: (session: LiveSession) => void,
    private readonly bufferLimitBytes = SESSION_BUFFER_LIMIT_BYTES,
  ) {
    response.statusCode = 200;
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    // Proxies that buffer responses would hold notices back.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.on('close', () => this.close());
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** A change from the hub: written when live, kept while catching up. */
  offer(position: Position, change: Change): void {
    if (this.state === 'live') this.send(position, this.messageOf(change));
    else if (this.state === 'catching-up') {
      const message = this.messageOf(change);
      this.waiting.push({ position, message });
      this.waitingBytes += message?.length ?? 0;
      if (this.waitingBytes + this.response.writableLength > this.bufferLimitBytes) this.close();
    }
  }

  /** A change read from history during the catch-up. */
  replay(position: Position, change: Change): void {
    this.send(position, this.messageOf(change));
  }

  /** Marks `position` as passed even though nothing was sent for it (history the viewer may not see). */
  pass(position: Position): void {
    if (!this.passed || comparePositions(position, this.passed) > 0) this.passed = position;
  }

  /** Ends the catch-up at `position`: sends what waited beyond it, says `ready`, and goes live. */
  goLive(position: Position): void {
    if (this.state !== 'catching-up') return;
    this.pass(position);
    for (const { position: at, message } of this.waiting) this.send(at, message);
    this.waiting = [];
    this.waitingBytes = 0;
    this.state = 'live';
    this.write(`event: ready\ndata: ${JSON.stringify({ position: encodeLiveCursor(this.passed!) })}\n\n`);
  }

  /** The server cannot resume from the client's cursor: it must reload and reconnect without one. */
  reset(reason: string): void {
    this.write(`event: reset\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.close();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.waiting = [];
    this.waitingBytes = 0;
    clearInterval(this.keepAlive);
    this.response.end();
    this.onClose(this);
  }

  private messageOf(change: Change): string | undefined {
    return maySee(this.viewer, change) ? change.message : undefined;
  }

  private send(position: Position, message: string | undefined): void {
    if (this.passed && comparePositions(position, this.passed) <= 0) return;
    this.passed = position;
    if (message) this.write(message);
  }

  private write(chunk: string): void {
    if (this.state === 'closed') return;
    this.response.write(chunk);
    // What the socket has not taken yet stays in the response's buffer: a reader too slow is cut off.
    if (this.response.writableLength > this.bufferLimitBytes) {
      this.response.destroy();
      this.close();
    }
  }
}
