import pino from 'pino';
import { loadConfig } from '../config/ledger-config';
import { createLedgerApp, openApiDocument } from '../ledger-app';

/**
 * The OpenAPI document the console's client is generated from, built from the app in-process:
 * routes and DTOs only, so no database is reached (the URL below is never connected to).
 */
export async function consoleApiDocument(): Promise<string> {
  const app = await createLedgerApp({
    config: loadConfig({ LEDGER_ADMIN_API_KEY: 'openapi-document-only-never-served' }),
    databaseUrl: 'postgres://openapi-document@127.0.0.1:1/none',
    logger: pino({ level: 'silent' }),
  });
  try {
    return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

/** Where the document is committed, beside the generated types (schema.d.ts). */
export const CONSOLE_API_DOCUMENT_PATH = 'apps/console/src/api/openapi.json';
