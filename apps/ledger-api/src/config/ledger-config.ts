import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  getMetadataStorage,
  validateSync,
  ValidationError,
} from 'class-validator';

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The environment the API reads, with API.md's defaults. */
class Environment {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HOST: string = '127.0.0.1';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_MIGRATION_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_MIGRATION_URL?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  LEDGER_DATA_DIR: string = './.ledger-data';

  @IsOptional()
  @Matches(/^(kurrentdb|kdb|esdb)(\+discover)?:\/\/\S+$/, {
    message: 'EVENTSTORE_CONNECTION_STRING must be a kurrentdb:// connection string',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  IDEMPOTENCY_TTL_HOURS: number = 24;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  @IsOptional()
  @Matches(/^\S{16,512}$/, { message: 'LEDGER_ADMIN_API_KEY must be 16 to 512 characters without spaces' })
  LEDGER_ADMIN_API_KEY?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'LEDGER_SEED_DEMO must be true or false' })
  LEDGER_SEED_DEMO: 'true' | 'false' = 'false';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  BANK_URL?: string;

  @IsOptional()
  @Matches(/^\S{16,256}$/, { message: 'BANK_WEBHOOK_SECRET must be 16 to 256 characters without spaces' })
  BANK_WEBHOOK_SECRET?: string;

  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  BANK_SUCCESS_RATE: number = 0.9;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  BANK_MIN_DELAY_MS: number = 2_000;

  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(24 * 30)
  BANK_RETRY_BUDGET_HOURS: number = 24;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(24 * 3600 * 1000)
  BANK_STATUS_QUERY_AFTER_MS: number = 30_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  BANK_DISPATCH_CONCURRENCY: number = 32;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_BALANCE_PER_USER_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  RATE_LIMIT_BALANCE_PER_USER_PER_MIN?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_PER_USER_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  RATE_LIMIT_PER_USER_PER_MIN: number = 1_000;

  /** All callers together (before 0.8.0 it counted per user: see rateLimitWarnings). */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_GLOBAL_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  RATE_LIMIT_GLOBAL_PER_MIN: number = 60_000;

  /** Old names of the per-user route limits, read for one release (0.8.x) with a warning. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_BALANCE_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  RATE_LIMIT_BALANCE_PER_MIN?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_TRANSACTIONS_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  RATE_LIMIT_TRANSACTIONS_PER_MIN?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  BANK_MAX_DELAY_MS: number = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'AUTH_FAILURES_PER_MIN must be a whole number (0 turns it off)' })
  @Min(0)
  AUTH_FAILURES_PER_MIN: number = 20;

  @IsOptional()
  @Matches(/^\S{16,512}$/, { message: 'METRICS_TOKEN must be 16 to 512 characters without spaces' })
  METRICS_TOKEN?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' | 'false' = 'false';

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WEBHOOK_RETRY_INITIAL_MS must be a whole number of milliseconds' })
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_INITIAL_MS: number = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'STREAM_STATE_CACHE_ENTRIES must be a whole number of streams' })
  @Min(1, { message: 'STREAM_STATE_CACHE_ENTRIES must be at least 1' })
  @Max(10_000_000)
  STREAM_STATE_CACHE_ENTRIES: number = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'CHAIN_CHECKPOINT_SECONDS must be a whole number of seconds' })
  @Min(1, { message: 'CHAIN_CHECKPOINT_SECONDS must be at least 1' })
  @Max(86_400, { message: 'CHAIN_CHECKPOINT_SECONDS must be at most 86400 (a day)' })
  CHAIN_CHECKPOINT_SECONDS: number = 60;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'CHAIN_CHECKPOINT_EVENTS must be a whole number of events' })
  @Min(1, { message: 'CHAIN_CHECKPOINT_EVENTS must be at least 1' })
  @Max(10_000_000)
  CHAIN_CHECKPOINT_EVENTS: number = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'API_KEY_CACHE_ENTRIES must be a whole number of keys' })
  @Min(1, { message: 'API_KEY_CACHE_ENTRIES must be at least 1' })
  @Max(10_000_000)
  API_KEY_CACHE_ENTRIES: number = 10_000;
}

/** `https://console.example.com`, `http://localhost:5173`: scheme, host and port, nothing more. */
function parseOrigins(list: string): string[] | undefined {
  const origins = list.split(',').map((entry) => entry.trim());
  const isOrigin = (entry: string) => {
    try {
      const url = new URL(entry);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry;
    } catch {
      return false;
    }
  };
  return origins.every(isOrigin) ? origins : undefined;
}

export interface LedgerConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** The owner role that migrates the event store and grants the app's role its share; unset: `databaseUrl` migrates. */
  databaseMigrationUrl: string | undefined;
  dataDir: string;
  eventStoreConnectionString: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  idempotencyTtlHours: number;
  /** How long a client may take to send a whole request (headers and body). */
  httpRequestTimeoutMs: number;
  adminApiKey: string | undefined;
  /** Seed the demo users and accounts of CREDENTIALS.md into an empty ledger. */
  seedDemo: boolean;
  bank: {
    /** Unset: the simulator runs in this process. */
    url: string | undefined;
    /** Unset: generated and kept in the data directory. */
    webhookSecret: string | undefined;
    successRate: number;
    minDelayMs: number;
    maxDelayMs: number;
    /** How long a transfer's sending is retried before it is parked. */
    retryBudgetMs: number;
    /** A transfer sent this long ago with no outcome is asked about at the bank. */
    statusQueryAfterMs: number;
    /** Bank calls in flight at once, per process. */
    dispatchConcurrency: number;
  };
  /** Unset: rate limits are counted in this process only. */
  redisUrl: string | undefined;
  /** Requests per user per minute; 0 turns a limit off. */
  /** Requests per minute; 0 = off. `balance`, `transactions` and `user` per user, `global` all callers together. */
  rateLimits: {
    balance: number;
    transactions: number;
    user: number;
    global: number;
    /** Said once at start: old variable names still read, or a variable whose meaning changed. */
    warnings: string[];
  };
  /** Failed authentications per client address per minute before its requests are refused; 0 = off. */
  authFailuresPerMin: number;
  /** Unset: `/metrics` is public. */
  metricsToken: string | undefined;
  /** Origins browsers may call the API from; empty: no CORS at all. */
  corsOrigins: string[];
  webhooks: {
    /** Loopback, private and link-local targets allowed (the demo, tests); never in production. */
    allowPrivateTargets: boolean;
    /** The first retry's delay; each next one doubles, with jitter, up to an hour. */
    retryInitialMs: number;
  };
  /** A hash-chain checkpoint is recorded after this many events, or this long after the last one. */
  chainCheckpoints: { everyEvents: number; everyMs: number };
  /** Entries each in-memory cache holds at most: memory is bounded by these, not by traffic. */
  caches: {
    /** Aggregate states (accounts, payments, transfers, users) kept between commands. */
    streamStates: number;
    /** Authenticated API keys, and as many keys found nowhere. */
    apiKeys: number;
  };
}

/**
 * The rule a variable broke, whole: the decorator's own words when it has some, else for a number
 * its kind and range together ("PORT must be an integer from 1 to 65535", not whichever of
 * @IsInt, @Min and @Max happened to fail first), else class-validator's message.
 */
function ruleBroken(error: ValidationError): string {
  const failed = error.constraints ?? {};
  const rules = getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', false, false)
    .filter((rule) => rule.propertyName === error.property);
  const worded = rules.find((rule) => typeof rule.message === 'string' && rule.name && rule.name in failed);
  if (worded?.name) return failed[worded.name];
  const bound = (name: string) => rules.find((rule) => rule.name === name)?.constraints?.[0] as number | undefined;
  const kind = rules.some((rule) => rule.name === 'isInt')
    ? 'an integer'
    : rules.some((rule) => rule.name === 'isNumber')
      ? 'a number'
      : undefined;
  if (kind) {
    const [min, max] = [bound('min'), bound('max')];
    const range =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? ` of at least ${min}`
          : max !== undefined
            ? ` of at most ${max}`
            : '';
    return `${error.property} must be ${kind}${range}`;
  }
  return Object.values(failed)[0] ?? `${error.property} is invalid`;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; a bad value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): LedgerConfig {
  const known = Object.fromEntries(
    Object.keys(new Environment())
      .concat(
        'DATABASE_URL',
        'DATABASE_MIGRATION_URL',
        'EVENTSTORE_CONNECTION_STRING',
        'LEDGER_ADMIN_API_KEY',
        'BANK_URL',
        'BANK_WEBHOOK_SECRET',
        'REDIS_URL',
        'METRICS_TOKEN',
        'CORS_ORIGINS',
        'RATE_LIMIT_BALANCE_PER_USER_PER_MIN',
        'RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN',
        'RATE_LIMIT_BALANCE_PER_MIN',
        'RATE_LIMIT_TRANSACTIONS_PER_MIN',
      )
      .map((key) => [key, env[key]]),
  );
  const defined = Object.fromEntries(Object.entries(known).filter(([, value]) => value !== undefined));
  const parsed = plainToInstance(Environment, defined);
  const [error] = validateSync(parsed);
  if (error) throw new ConfigError(`Invalid configuration: ${ruleBroken(error)}`);
  if (parsed.BANK_MIN_DELAY_MS > parsed.BANK_MAX_DELAY_MS) {
    throw new ConfigError('Invalid configuration: BANK_MIN_DELAY_MS must not exceed BANK_MAX_DELAY_MS');
  }
  if (parsed.DATABASE_MIGRATION_URL && !parsed.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: DATABASE_MIGRATION_URL needs DATABASE_URL (the embedded PostgreSQL makes its own roles)',
    );
  }
  if (parsed.BANK_URL && !parsed.BANK_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration: BANK_WEBHOOK_SECRET must be set when BANK_URL is (the bank signs with it)',
    );
  }
  const corsOrigins = parsed.CORS_ORIGINS === undefined ? [] : parseOrigins(parsed.CORS_ORIGINS);
  if (!corsOrigins) {
    throw new ConfigError(
      'Invalid configuration: CORS_ORIGINS must be comma-separated origins such as https://app.example.org (scheme, host and port; no path)',
    );
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    databaseMigrationUrl: parsed.DATABASE_MIGRATION_URL,
    dataDir: parsed.LEDGER_DATA_DIR,
    eventStoreConnectionString: parsed.EVENTSTORE_CONNECTION_STRING,
    logLevel: parsed.LOG_LEVEL,
    idempotencyTtlHours: parsed.IDEMPOTENCY_TTL_HOURS,
    httpRequestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
    adminApiKey: parsed.LEDGER_ADMIN_API_KEY,
    seedDemo: parsed.LEDGER_SEED_DEMO === 'true',
    bank: {
      url: parsed.BANK_URL,
      webhookSecret: parsed.BANK_WEBHOOK_SECRET,
      successRate: parsed.BANK_SUCCESS_RATE,
      minDelayMs: parsed.BANK_MIN_DELAY_MS,
      maxDelayMs: parsed.BANK_MAX_DELAY_MS,
      retryBudgetMs: Math.round(parsed.BANK_RETRY_BUDGET_HOURS * 3_600_000),
      statusQueryAfterMs: parsed.BANK_STATUS_QUERY_AFTER_MS,
      dispatchConcurrency: parsed.BANK_DISPATCH_CONCURRENCY,
    },
    redisUrl: parsed.REDIS_URL,
    rateLimits: rateLimits(parsed, defined),
    authFailuresPerMin: parsed.AUTH_FAILURES_PER_MIN,
    metricsToken: parsed.METRICS_TOKEN,
    corsOrigins,
    webhooks: {
      allowPrivateTargets: parsed.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true',
      retryInitialMs: parsed.WEBHOOK_RETRY_INITIAL_MS,
    },
    chainCheckpoints: { everyEvents: parsed.CHAIN_CHECKPOINT_EVENTS, everyMs: parsed.CHAIN_CHECKPOINT_SECONDS * 1000 },
    caches: { streamStates: parsed.STREAM_STATE_CACHE_ENTRIES, apiKeys: parsed.API_KEY_CACHE_ENTRIES },
  };
}

const RENAMED_RATE_LIMITS = [
  ['RATE_LIMIT_BALANCE_PER_MIN', 'RATE_LIMIT_BALANCE_PER_USER_PER_MIN', 10],
  ['RATE_LIMIT_TRANSACTIONS_PER_MIN', 'RATE_LIMIT_TRANSACTIONS_PER_USER_PER_MIN', 20],
] as const;

/**
 * The limits, each variable named for what it counts. The old names of the route limits still
 * work for one release; RATE_LIMIT_GLOBAL_PER_MIN kept its name but now counts every caller
 * together, so setting it earns a reminder too.
 */
function rateLimits(parsed: Environment, defined: Record<string, unknown>): LedgerConfig['rateLimits'] {
  const warnings: string[] = [];
  const [balance, transactions] = RENAMED_RATE_LIMITS.map(([oldName, newName, fallback]) => {
    if (defined[oldName] === undefined) return parsed[newName] ?? fallback;
    warnings.push(
      defined[newName] === undefined
        ? `${oldName} is deprecated and will be ignored after 0.8.x: rename it ${newName}`
        : `${oldName} is ignored: ${newName} is set`,
    );
    return parsed[newName] ?? parsed[oldName] ?? fallback;
  });
  if (defined.RATE_LIMIT_GLOBAL_PER_MIN !== undefined)
    warnings.push(
      'RATE_LIMIT_GLOBAL_PER_MIN now limits all callers together (since 0.8.0); the limit per user is RATE_LIMIT_PER_USER_PER_MIN',
    );
  return {
    balance,
    transactions,
    user: parsed.RATE_LIMIT_PER_USER_PER_MIN,
    global: parsed.RATE_LIMIT_GLOBAL_PER_MIN,
    warnings,
  };
}
