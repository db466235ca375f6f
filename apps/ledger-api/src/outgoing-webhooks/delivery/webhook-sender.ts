import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signWebhook } from '@ledger/bank-protocol';
import { WebhookTargetPolicy } from './webhook-target-policy';

/** How long a receiver has to answer. */
const DELIVERY_TIMEOUT_MS = 5_000;
/** What is kept of a failed answer's body, for the endpoint's owner to see. */
const ERROR_EXCERPT_CHARS = 200;
const SOCKETS_PER_HOST = 4;

export const SIGNATURE_HEADER = 'Ledger-Signature';

export interface AttemptOutcome {
  delivered: boolean;
  /** Null when no HTTP answer came (refused, timed out, blocked). */
  statusCode: number | null;
  durationMs: number;
  /** A short, truncated explanation; null when delivered. */
  error: string | null;
}

/**
 * POSTs one signed event to one URL. Redirects are never followed (node:http does not), the body
 * of an answer is read only as far as the error excerpt, an answer taking over 5 s is a failure,
 * and addresses are checked again as the connection is made (see WebhookTargetPolicy).
 */
export class WebhookSender {
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: SOCKETS_PER_HOST }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: SOCKETS_PER_HOST }),
  };

  constructor(
    private readonly policy: WebhookTargetPolicy,
    /** Tests shorten it. */
    private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
  ) {}

  async send(url: string, secret: string, body: string): Promise<AttemptOutcome> {
    const started = performance.now();
    const outcome = (statusCode: number | null, error: string | null): AttemptOutcome => ({
      delivered: error === null,
      statusCode,
      durationMs: Math.round(performance.now() - started),
      error: error === null ? null : error.slice(0, ERROR_EXCERPT_CHARS),
    });
    const refused = this.policy.refusedAddress(url);
    if (refused) return outcome(null, refused);
    const https = url.startsWith('https:');
    const signature = signWebhook(secret, body, Math.floor(Date.now() / 1000));
    return new Promise<AttemptOutcome>((resolve) => {
      const request = (https ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: https ? this.agents.https : this.agents.http,
        lookup: this.policy.lookup,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Ledger-Webhooks/1.0',
          [SIGNATURE_HEADER]: signature,
        },
      });
      // The whole exchange, not each idle gap: a receiver trickling bytes is cut off too.
      const deadline = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const finish = (statusCode: number | null, error: string | null) => {
        clearTimeout(deadline);
        resolve(outcome(statusCode, error));
      };
      request.on('error', (error) => finish(null, error.message || 'connection failed'));
      request.on('response', (response) => {
        const code = response.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          // The status decides; the rest of the body is read only to keep the connection.
          response.resume();
          response.on('end', () => finish(code, null));
          response.on('error', () => finish(code, null));
          return;
        }
        void readExcerpt(response).then((excerpt) => {
          request.destroy();
          finish(code, `HTTP ${code}${excerpt ? `: ${excerpt}` : ''}`);
        });
      });
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** The start of an answer's body, and no more: a large body is not downloaded. */
function readExcerpt(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let excerpt = '';
    const finish = () => resolve(excerpt.slice(0, ERROR_EXCERPT_CHARS).replace(/\s+/g, ' ').trim());
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      excerpt += chunk;
      if (excerpt.length >= ERROR_EXCERPT_CHARS) {
        response.destroy();
        finish();
      }
    });
    response.on('end', finish);
    response.on('error', finish);
    response.on('close', finish);
  });
}
