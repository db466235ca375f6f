import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import pino from 'pino';
import { openDatabase, STOP_SIGNALS } from '@ledger/database';
import { ConfigError, LedgerConfig, loadConfig } from './config/ledger-config';
import { migrateLedgerDatabase } from './infrastructure/migrate';
import { createLedgerApp } from './ledger-app';
import { startBanner } from './start-banner';
import { LiveHub } from './live/live-hub';

const DRAIN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = readConfigOrExit();
  // The banner goes through the logs' own stream, so that it comes after every start-up line.
  const stdout = pino.destination(process.stdout.fd);
  const logger = pino({ level: config.logLevel }, stdout);
  if (!config.databaseUrl) logger.info(`Starting embedded PostgreSQL in ${config.dataDir}`);
  // This process stops the embedded PostgreSQL itself, after the app: see shutdown below.
  const opening = openDatabase(
    { url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl },
    config.dataDir,
    (line) => logger.debug({ component: 'embedded-postgres' }, line),
    { callerStopsOnSignals: true },
  );
  let app: INestApplication | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    if (app) {
      // Stop accepting and let requests in flight finish, then stop consumers and the store.
      const server = app.getHttpServer() as Server;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live streams never end by themselves: close them so the drain need not wait for its timeout.
      await app.get(LiveHub).stop();
      const timer = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await drained;
      clearTimeout(timer);
      await app.close();
    }
    // Last, so that nothing above loses its database; also when the signal came during start-up.
    await (await opening.catch(() => undefined))?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void shutdown(signal));

  const database = await opening;
  try {
    await migrateLedgerDatabase(database, Boolean(config.eventStoreConnectionString));
    app = await createLedgerApp({ config, databaseUrl: database.url, logger });
    await app.listen(config.port, config.host);
    logger.info(`Ledger API listening on http://${config.host}:${config.port}`);
    stdout.write(startBanner(config));
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
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
