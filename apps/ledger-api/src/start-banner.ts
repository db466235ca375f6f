import { LedgerConfig } from './config/ledger-config';

/** What `npm start` prints once the API listens: where to go first, for a person rather than a log reader. */
export function startBanner(config: Pick<LedgerConfig, 'host' | 'port' | 'seedDemo' | 'adminApiKey'>): string {
  const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  const demo = config.seedDemo ? 'CREDENTIALS.md (LEDGER_SEED_DEMO=true)' : 'off (LEDGER_SEED_DEMO=false)';
  const admin = config.adminApiKey
    ? 'the one in LEDGER_ADMIN_API_KEY'
    : 'printed once to stderr at the first start (or set LEDGER_ADMIN_API_KEY)';
  return [
    '',
    `Ledger API ready at ${base}`,
    `  OpenAPI        ${base}/docs`,
    `  Console        ${base}/`,
    `  Demo API keys  ${demo}`,
    `  Admin API key  ${admin}`,
    '',
  ].join('\n');
}
