import { Injectable } from '@nestjs/common';

/** A failure the CLI reports in one line and exits non-zero for. */
export class CliError extends Error {}

/**
 * The admin API of a running ledger, over HTTP: the CLI does what an admin could do with curl, so
 * it works the same against the embedded database and a production deployment.
 */
@Injectable()
export class LedgerAdminClient {
  private readonly baseUrl = (process.env.LEDGER_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(
    /\/$/,
    '',
  );

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string): Promise<T> {
    return this.call<T>('POST', path);
  }

  private async call<T>(method: string, path: string): Promise<T> {
    const key = process.env.LEDGER_ADMIN_API_KEY;
    if (!key) throw new CliError('Set LEDGER_ADMIN_API_KEY to an admin API key.');
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${key}` },
      });
    } catch {
      throw new CliError(`No ledger answers at ${this.baseUrl} (set LEDGER_URL).`);
    }
    const body = (await response.json().catch(() => undefined)) as { error?: string; message?: string } | undefined;
    if (!response.ok) {
      throw new CliError(`${response.status} ${body?.error ?? 'error'}: ${body?.message ?? response.statusText}`);
    }
    return body as T;
  }
}
