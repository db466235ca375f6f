import { createServer, RequestListener, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebhookTargetPolicy } from './webhook-target-policy';
import { WebhookSender } from './webhook-sender';

/** Real HTTP on loopback: what a delivery does with what receivers answer. */
describe('WebhookSender', () => {
  const servers: Server[] = [];
  const sender = new WebhookSender(new WebhookTargetPolicy(true), 300);
  const strictSender = new WebhookSender(new WebhookTargetPolicy(false), 300);
  let redirectTargetHits = 0;

  async function serve(listener: RequestListener): Promise<string> {
    const server = createServer(listener);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  }

  afterAll(async () => {
    sender.close();
    strictSender.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('posts the body as JSON, signed, and counts a 2xx as delivered', async () => {
    let seen: { headers: Record<string, unknown>; body: string } | undefined;
    const url = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { headers: request.headers, body };
        response.writeHead(204).end();
      });
    });
    const outcome = await sender.send(url, 'whsec_test', '{"id":"e1"}');
    expect(outcome).toEqual({ delivered: true, statusCode: 204, durationMs: expect.any(Number), error: null });
    expect(seen?.body).toBe('{"id":"e1"}');
    expect(seen?.headers).toMatchObject({
      'content-type': 'application/json',
      'ledger-signature': expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/),
    });
  });

  it('does not follow a redirect', async () => {
    const target = await serve((_, response) => {
      redirectTargetHits++;
      response.writeHead(200).end();
    });
    const url = await serve((_, response) => response.writeHead(302, { location: target }).end());
    const outcome = await sender.send(url, 'whsec_test', '{}');
    expect(outcome).toMatchObject({ delivered: false, statusCode: 302, error: 'HTTP 302' });
    expect(redirectTargetHits).toBe(0);
  });

  it('keeps only a short excerpt of a failed answer, however long', async () => {
    const url = await serve((_, response) => response.writeHead(500).end(`boom ${'x'.repeat(1_000_000)}`));
    const outcome = await sender.send(url, 'whsec_test', '{}');
    expect(outcome.delivered).toBe(false);
    expect(outcome.statusCode).toBe(500);
    expect(outcome.error!.startsWith('HTTP 500: boom xxx')).toBe(true);
    expect(outcome.error!.length).toBeLessThanOrEqual(200);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const url = await serve(() => undefined);
    const outcome = await sender.send(url, 'whsec_test', '{}');
    expect(outcome).toMatchObject({ delivered: false, statusCode: null, error: 'no answer within 300 ms' });
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  it('reports a refused connection', async () => {
    const outcome = await sender.send('http://127.0.0.1:9/hooks', 'whsec_test', '{}');
    expect(outcome).toMatchObject({ delivered: false, statusCode: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('reaches no blocked address when private targets are not allowed, by address or by name', async () => {
    const url = await serve((_, response) => response.writeHead(200).end());
    expect(await strictSender.send(url, 'whsec_test', '{}')).toMatchObject({
      delivered: false,
      statusCode: null,
      error: '127.0.0.1 is a blocked address',
    });
    const byName = url.replace('127.0.0.1', 'localhost');
    expect(await strictSender.send(byName, 'whsec_test', '{}')).toMatchObject({
      delivered: false,
      error: expect.stringMatching(/blocked/),
    });
  });
});
