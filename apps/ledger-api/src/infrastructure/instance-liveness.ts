import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Client } from 'pg';

/**
 * Advisory locks with two int4 keys in this namespace say which API processes are alive. Also written
 * (as 4999510) in migration 1700000018000's idempotency_key_takeable, which reads them in SQL.
 */
export const LIVENESS_LOCK_NAMESPACE = 0x4c4956; // "LIV"
const RECONNECT_AFTER_MS = 1_000;

/**
 * SQL that is true when the process with the instance key in `column` is gone: its liveness lock
 * is held by no session of this database.
 */
export function instanceGoneSql(column: string): string {
  return `NOT EXISTS (
    SELECT 1 FROM pg_locks
     WHERE locktype = 'advisory' AND granted AND objsubid = 2
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND classid = ${LIVENESS_LOCK_NAMESPACE} AND objid = ${column}::oid)`;
}

/**
 * This process's liveness, visible to every other process on the database: a session advisory
 * lock on a connection of its own, keyed by a random instance key. When the process dies (even by
 * SIGKILL) PostgreSQL drops the connection and the lock with it, so the work it had claimed is
 * known to be abandoned at once instead of after a timeout. If the connection drops while the
 * process lives, the same lock is taken again.
 */
export class InstanceLiveness implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InstanceLiveness');
  private key = randomInt(1, 2 ** 31);
  private client: Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly databaseUrl: string) {}

  /** The key that claims made by this process carry. */
  get instanceKey(): number {
    return this.key;
  }

  async onModuleInit(): Promise<void> {
    await this.hold();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    await this.client?.end().catch(() => undefined);
  }

  private async hold(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'ledger-api liveness' });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    // Another live process drew the same key: draw again (claims are still unclaimed under a new key).
    while (!(await this.tryLock(client))) this.key = randomInt(1, 2 ** 31);
    this.client = client;
  }

  private async tryLock(client: Client): Promise<boolean> {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
      LIVENESS_LOCK_NAMESPACE,
      this.key,
    ]);
    return rows[0].locked;
  }

  private lost(client: Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.logger.warn('liveness connection lost; taking the lock again');
    this.retry();
  }

  private retry(): void {
    this.reconnect = setTimeout(() => {
      this.hold().catch(() => this.retry());
    }, RECONNECT_AFTER_MS);
    this.reconnect.unref();
  }
}
