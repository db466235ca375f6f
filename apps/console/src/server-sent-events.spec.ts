import { serverSentEvents, type ServerSentEvent } from './server-sent-events';

/** A body arriving in the given chunks, as fetch hands it over. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function read(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const messages: ServerSentEvent[] = [];
  for await (const message of serverSentEvents(stream)) messages.push(message);
  return messages;
}

describe('server-sent events read from a fetch body', () => {
  it('yields each message with its event, id and data, skipping keep-alive comments', async () => {
    expect(
      await read(
        body(
          'event: ready\ndata: {"position":"1-1"}\n\n',
          ': keep-alive\n\n',
          'event: change\nid: 5-2\ndata: {"id":"a"}\n\n',
        ),
      ),
    ).toEqual([
      { event: 'ready', data: '{"position":"1-1"}' },
      { event: 'change', id: '5-2', data: '{"id":"a"}' },
    ]);
  });

  it('joins messages split across chunks, even inside a multi-byte character, and CRLF lines', async () => {
    const euro = new TextEncoder().encode('€');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('event: change\r\nid: 7'));
        controller.enqueue(new TextEncoder().encode('-1\r\ndata: {"d":"'));
        controller.enqueue(euro.slice(0, 1));
        controller.enqueue(euro.slice(1));
        controller.enqueue(new TextEncoder().encode('"}\r\n\r\n'));
        controller.close();
      },
    });
    expect(await read(stream)).toEqual([{ event: 'change', id: '7-1', data: '{"d":"€"}' }]);
  });

  it('joins multi-line data and defaults the event to "message"', async () => {
    expect(await read(body('data: one\ndata: two\n\n'))).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
