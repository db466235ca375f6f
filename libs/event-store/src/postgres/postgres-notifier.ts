import { Client } from 'pg';

const CHANNEL = 'es_events';
const RECONNECT_DELAY_MS = 1_000;

/**
 * Holds one LISTEN connection and wakes waiting subscribers when an append commits. If the
 * connection drops it reconnects; subscribers keep polling meanwhile, so nothing is missed.
 */
export class PostgresNotifier {
  private client: Client | undefined;
  private generation = 0;
  private waiters = new Set<() => void>();
  private closed = false;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly onError: (error: Error) => void,
  ) {}

  /** A counter that moves on every notification; pass it to `wait` to not miss one in between. */
  current(): number {
    void this.ensureListening();
    return this.generation;
  }

  /** Resolves on the next notification after `seen` (true), after `timeoutMs` or at close (false). */
  wait(seen: number, timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.generation !== seen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (notified: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(notified);
      };
      const wake = () => done(!this.closed);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.starting?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }

  private ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.starting ??= this.listen().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, application_name: 'es-notifier' });
    client.on('notification', () => {
      this.generation++;
      this.wakeAll();
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closed) await client.end();
      else this.client = client;
    } catch (error) {
      this.dropped(client, error as Error);
    }
  }

  private dropped(client: Client, error?: Error): void {
    if (error) this.onError(error);
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
    if (!this.closed) setTimeout(() => void this.ensureListening(), RECONNECT_DELAY_MS).unref();
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
