import { Pool, PoolConfig } from 'pg';

/** A pg pool whose idle-client errors (a server restart, a dropped connection) are logged, not fatal. */
export function createPool(
  connectionString: string,
  options: Omit<PoolConfig, 'connectionString'> = {},
  onError: (error: Error) => void = () => undefined,
): Pool {
  const pool = new Pool({ connectionString, max: 20, ...options });
  pool.on('error', onError);
  return pool;
}
