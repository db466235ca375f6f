// The text/event-stream format (https://html.spec.whatwg.org/multipage/server-sent-events.html), read
// from a fetch body: EventSource cannot send an Authorization header.

export interface ServerSentEvent {
  event: string;
  id?: string;
  data: string;
}

/** The messages of a text/event-stream body, as they arrive (comments such as keep-alives skipped). */
export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: RegExpExecArray | null;
    while ((end = /\r?\n\r?\n/.exec(buffer))) {
      const block = buffer.slice(0, end.index);
      buffer = buffer.slice(end.index + end[0].length);
      const message: ServerSentEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') message.event = text;
        else if (field === 'id') message.id = text;
        else if (field === 'data') data.push(text);
      }
      message.data = data.join('\n');
      if (data.length > 0 || message.id !== undefined) yield message;
    }
  }
}
