import { Logger } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';

const RECONNECT_AFTER_MS = 1_000;

/**
 * One LISTEN connection for the webhook loops: a notification on a channel calls its handler.
 * If the connection drops it is made again; the loops poll meanwhile, so nothing waits forever.
 */
export class PgNotifications {
  private readonly logger = new Logger('WebhookNotifications');
  private client: PoolClient | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly handlers: Record<string, () => void>,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = await this.pool.connect().catch(() => undefined);
    if (!client) return this.retry();
    if (this.stopped) return client.release(true);
    this.client = client;
    client.on('notification', (message) => this.handlers[message.channel]?.());
    client.on('error', () => this.lost(client));
    try {
      for (const channel of Object.keys(this.handlers)) await client.query(`LISTEN ${channel}`);
    } catch {
      this.lost(client);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    client?.release(true);
  }

  /** Only the connection in use is released: an error after a release changes nothing. */
  private lost(client: PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(true);
    this.logger.warn('LISTEN connection lost; listening again');
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    this.reconnect = setTimeout(() => void this.start(), RECONNECT_AFTER_MS);
    this.reconnect.unref();
  }
}
