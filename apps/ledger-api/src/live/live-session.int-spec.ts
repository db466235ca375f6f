import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { eventually } from '../../../../test/eventually';
import { Change, changeOf } from './change-notice';
import { LiveSession } from './live-session';

const LIMIT = 64 * 1024;
const viewer = { userId: '00000000-0000-4000-8000-0000000000c1', name: 'Slow Reader', role: 'admin' as const };

/** A change with a notice of about 1 KiB (a long stream name), at position `index`. */
const bulky = (index: number): Change =>
  changeOf(
    {
      id: '00000000-0000-4000-8000-000000000e01',
      type: 'Something',
      data: {},
      metadata: {},
      streamName: `misc-${'x'.repeat(900)}`,
      revision: BigInt(index),
      position: { commit: BigInt(index), prepare: 1n },
      createdAt: new Date(),
    },
    undefined,
  );

/** A real socket whose client never reads: what the session wrote piles up in the server's buffers. */
describe('a live session with a client that does not read', () => {
  let server: Server;
  let client: Socket;
  let response: Promise<ServerResponse>;

  beforeEach(async () => {
    response = new Promise((resolve) => (server = createServer((_, res) => resolve(res))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.write('GET /live HTTP/1.1\r\nHost: test\r\n\r\n');
    client.pause();
  });
  afterEach(async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is cut off once more than its limit waits unsent, and stays closed', async () => {
    const closed: LiveSession[] = [];
    const session = new LiveSession(viewer, await response, (it) => closed.push(it), LIMIT);
    session.goLive({ commit: 0n, prepare: 0n });
    // Kernel buffers take a few MiB first; then the response's own buffer grows past the limit.
    for (let index = 1; index <= 50_000 && !session.closed; index++)
      session.offer({ commit: BigInt(index), prepare: 1n }, bulky(index));
    expect(session.closed).toBe(true);
    expect(closed).toEqual([session]);
    await eventually(async () => client.destroyed || client.readableEnded || (await ended(client)));
  });

  it('is cut off when what waits during its catch-up passes the limit', async () => {
    const session = new LiveSession(viewer, await response, () => undefined, LIMIT);
    for (let index = 1; index <= 100 && !session.closed; index++)
      session.offer({ commit: BigInt(index), prepare: 1n }, bulky(index));
    expect(session.closed).toBe(true);
  });
});

/** Reads what the client was sent until the server closes the connection. */
function ended(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('end', () => resolve(true));
    socket.once('close', () => resolve(true));
    socket.resume();
    setTimeout(() => resolve(false), 1_000);
  });
}
