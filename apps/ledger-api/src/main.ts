import 'reflect-metadata';
import type { Server } from 'node:http';
import pino from 'pino';
import { openDatabase } from '@ledger/database';
import { ConfigError, LedgerConfig, loadConfig } from './config/ledger-config';
import { migrateLedgerDatabase } from './infrastructure/migrate';
import { createLedgerApp } from './ledger-app';
import { LiveHub } from './live/live-hub';

const DRAIN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger = pino({ level: config.logLevel });
  if (!config.databaseUrl) logger.info(`Starting embedded PostgreSQL in ${config.dataDir}`);
  const database = await openDatabase(
    { url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl },
    config.dataDir,
    (line) => logger.debug({ component: 'embedded-postgres' }, line),
  );
  try {
    await migrateLedgerDatabase(database, Boolean(config.eventStoreConnectionString));
    const app = await createLedgerApp({ config, databaseUrl: database.url, logger });
    await app.listen(config.port, config.host);
    logger.info(`Ledger API listening on http://${config.host}:${config.port} (OpenAPI at /docs)`);

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: stopping`);
      // Stop accepting and let requests in flight finish, then stop consumers, the store and the database.
      const server = app.getHttpServer() as Server;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live streams never end by themselves: close them so the drain need not wait for its timeout.
      await app.get(LiveHub).stop();
      const timer = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await drained;
      clearTimeout(timer);
      await app.close();
      await database.stop();
      logger.info('stopped');
      process.exit(0);
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
  } catch (error) {
    await database.stop();
    throw error;
  }
}

function readConfigOrExit(): LedgerConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  console.error(`Ledger API failed to start: ${name}: ${message}`);
  process.exit(1);
});
