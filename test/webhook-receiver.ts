import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { apiClient } from './ledger-app';

export interface ReceivedDelivery {
  /** The event as parsed from the body. */
  event: { id: string; type: string; created: string; position: string; data: any };
  rawBody: string;
  signature: string | undefined;
}

/**
 * A webhook receiver on loopback, as an integrator would run one: it records every delivery, and
 * answers with the status `answer` gives (200 unless told otherwise), after `delayMs`.
 */
export async function startWebhookReceiver(options: { answer?: () => number; delayMs?: number } = {}) {
  const received: ReceivedDelivery[] = [];
  let answer = options.answer ?? (() => 200);
  const server = createServer((request, response) => {
    void readBody(request).then(async (rawBody) => {
      const status = answer();
      if (status >= 200 && status < 300) {
        received.push({
          event: JSON.parse(rawBody),
          rawBody,
          signature: request.headers['ledger-signature'] as string | undefined,
        });
      }
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver is down' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    /** Deliveries answered 2xx, in arrival order, repeats included. */
    received,
    /** Event ids as a receiver deduplicating by id keeps them: first arrival order, each once. */
    uniqueIds: () => [...new Set(received.map((delivery) => delivery.event.id))],
    answerWith: (next: () => number) => (answer = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The `verifyLedgerSignature` of the README's snippet, run as a reader would paste it. */
export function readmeSignatureVerifier(readme: string) {
  const snippet = /<!-- ledger-signature-snippet -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!snippet) throw new Error('README has no ledger-signature-snippet');
  return new Function('require', `${snippet}\nreturn verifyLedgerSignature;`)(require) as (
    secret: string,
    rawBody: string | Buffer,
    header: string | undefined,
  ) => boolean;
}

/** Every event GET /api/v1/events lists for `key`, walked page by page from the start. */
export async function walkEventsFeed(
  baseUrl: string,
  key: string,
  options: { limit?: number; type?: string; headers?: Record<string, string> } = {},
) {
  const api = apiClient(baseUrl);
  const events: ReceivedDelivery['event'][] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(options.limit ?? 7) });
    if (cursor) query.set('after', cursor);
    if (options.type) query.set('type', options.type);
    const page = await api.get(`/api/v1/events?${query}`, key, options.headers);
    if (page.status !== 200) throw new Error(`GET /api/v1/events answered ${page.status}`);
    events.push(...page.body.data);
    if (page.body.data.length === 0) {
      return { events, ids: events.map((event) => event.id), cursor: page.body.nextCursor as string | null };
    }
    cursor = page.body.nextCursor;
  }
}
