/** One Server-Sent Events message as a client parses it. */
export interface SseMessage {
  event: string;
  id: string | undefined;
  data: string;
  /** performance.now() when it was parsed: for measuring delays. */
  receivedAt: number;
}

/** What opening a stream gave: a live stream on 200, else the status and the JSON error body. */
export interface SseOpening {
  status: number;
  /** On 200. */
  stream?: SseStream;
  /** The JSON error body otherwise. */
  body?: any;
}

/**
 * A small SSE client for tests, as browsers do it with the key in a header: fetch with a streaming
 * body, parsed into messages (comments are counted, not kept). Every message received stays in
 * `messages`; `waitFor` looks at those received since a given index.
 */
export class SseStream {
  readonly messages: SseMessage[] = [];
  comments = 0;
  ended = false;
  private wake: () => void = () => undefined;

  private constructor(
    private readonly abort: AbortController,
    body: ReadableStream<Uint8Array>,
  ) {
    void this.read(body);
  }

  static async open(url: string, headers: Record<string, string>): Promise<SseOpening> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    if (response.status !== 200 || !response.body) {
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    }
    return { status: 200, stream: new SseStream(abort, response.body) };
  }

  /** The changes received, parsed. */
  changes<T = any>(): T[] {
    return this.messages.filter((message) => message.event === 'change').map((message) => JSON.parse(message.data));
  }

  /** The id of the last message that had one: what a reconnecting client sends. */
  lastId(): string | undefined {
    return [...this.messages].reverse().find((message) => message.id !== undefined)?.id;
  }

  /** Resolves with the first message from index `from` on that matches, or fails after `timeoutMs`. */
  async waitFor(match: (message: SseMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.ended) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves once the server has ended the stream. */
  async untilEnded(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream did not end');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.wake();
      }
    } catch {
      // Aborted by close(), or the connection dropped: either way the stream is over.
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private parse(block: string): void {
    const message: SseMessage = { event: 'message', id: undefined, data: '', receivedAt: performance.now() };
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments += 1;
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields += 1;
      if (name === 'event') message.event = value;
      else if (name === 'id') message.id = value;
      else if (name === 'data') message.data = message.data ? `${message.data}\n${value}` : value;
    }
    if (fields > 0) this.messages.push(message);
  }
}

/** Opens GET /api/v1/live with an API key, resuming from `after` (query) or `lastEventId` (header). */
export function openLive(
  baseUrl: string,
  apiKey: string,
  resume: { after?: string; lastEventId?: string } = {},
): Promise<SseOpening> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  if (resume.lastEventId !== undefined) headers['last-event-id'] = resume.lastEventId;
  const query = resume.after !== undefined ? `?after=${encodeURIComponent(resume.after)}` : '';
  return SseStream.open(`${baseUrl}/api/v1/live${query}`, headers);
}
