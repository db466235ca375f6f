import { comparePositions, EventStore, Position, positionToString, RecordedEvent } from '@ledger/event-store';
import { untilAborted } from './until-aborted';

const START: Position = { commit: 0n, prepare: 0n };
/**
 * Events kept by default: about 40 MB. Under a burst the projections fall behind the writes by
 * thousands of events (9,000 after 8 s at 64 connections, measured); at 5,000 each then read
 * `$all` on its own, ten reads of every event instead of one, and fell further behind.
 */
const BUFFERED_EVENTS = 50_000;
/** Pages read behind the window kept for the consumers that follow (see `readBehind`). */
const SHARED_PAGES_BEHIND = 16;

export interface AllReaderOptions {
  /** Most events kept in memory for consumers behind the head; one further behind reads on its own. */
  bufferedEvents?: number;
  /** Most events read from `$all` at once. */
  pageSize?: number;
}

/**
 * The one reader of `$all` for every consumer of a process: each page is read from the store
 * once, kept in a window of recent events, and handed to every consumer that asks for the events
 * after a position inside that window. Consumers at different positions each get exactly the
 * events after their own, in order; nobody waits for anybody else:
 *
 * - consumers at the head (usually all of them) wait for the next page, which is read once for
 *   all of them, as soon as one asks; a slow consumer neither delays that read nor is waited for;
 * - a consumer behind the head takes its events from the window, without a read;
 * - the window is bounded: once a consumer falls behind its start (a slow reactor, a rebuilt or
 *   failing projection) it reads `$all` itself, until it is back inside the window; consumers
 *   behind it together still read each page once (`readBehind`).
 *
 * This is sound because `$all` below a position the store has returned never changes: the window
 * holds every event between its start and its head, so the events after any position in it are
 * exactly the window's events after that position.
 */
export class AllReader {
  /** Every event of `$all` after `start` (exclusive) up to the head, oldest first. */
  private window: RecordedEvent[] = [];
  private start = START;
  private opened: Promise<void> | undefined;
  private pages: AsyncGenerator<RecordedEvent[]> | undefined;
  private reading: Promise<void> | undefined;
  /** Recent reads behind the window, by the position they start after. */
  private readonly pagesBehind = new Map<string, Promise<RecordedEvent[]>>();
  private readonly bufferedEvents: number;
  private readonly pageSize: number;

  constructor(
    private readonly store: EventStore,
    /** Stops the reading for good (the runner stopping). */
    private readonly signal: AbortSignal,
    options: AllReaderOptions = {},
  ) {
    this.bufferedEvents = options.bufferedEvents ?? BUFFERED_EVENTS;
    this.pageSize = options.pageSize ?? 1_000;
  }

  /**
   * The next events of `$all` after `after` (up to `max`, at least one), waiting for them at the
   * head; an empty list once `signal` or the reader's own aborts.
   */
  async next(after: Position | undefined, max: number, signal: AbortSignal): Promise<readonly RecordedEvent[]> {
    const position = after ?? START;
    await (this.opened ??= this.open());
    while (!signal.aborted && !this.signal.aborted) {
      // Behind the window: never empty, as the event at its start, at least, comes after `position`.
      if (comparePositions(position, this.start) < 0) return this.readBehind(position, max);
      const first = this.firstAfter(position);
      if (first < this.window.length) return this.window.slice(first, first + max);
      await untilAborted(this.readNextPage(), signal);
    }
    return [];
  }

  /**
   * The events after `position`, behind the window, read once for every consumer that asks from
   * there: projections behind together move in step (one page, one transaction), and one that
   * trails another takes the pages the other read. A page kept is still right when taken later,
   * as `$all` below a position returned never changes.
   */
  private async readBehind(position: Position, max: number): Promise<readonly RecordedEvent[]> {
    const key = positionToString(position);
    let page = this.pagesBehind.get(key);
    if (!page) {
      page = this.store.readAll({ after: position, maxCount: max });
      this.pagesBehind.set(key, page);
      if (this.pagesBehind.size > SHARED_PAGES_BEHIND) this.pagesBehind.delete(this.pagesBehind.keys().next().value!);
      // A failed read is not handed to the next consumer: it reads again.
      const read = page;
      read.catch(() => this.pagesBehind.get(key) === read && this.pagesBehind.delete(key));
    }
    return (await page).slice(0, max);
  }

  /** Opens the window at the head of `$all`, so that every consumer starts at or behind it. */
  private async open(): Promise<void> {
    try {
      this.start = (await this.store.headPosition()) ?? START;
    } catch (error) {
      this.opened = undefined;
      throw error;
    }
  }

  /** Index of the first event in the window after `position` (the window's length if none). */
  private firstAfter(position: Position): number {
    let low = 0;
    let high = this.window.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(this.window[middle].position, position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Reads the page after the head once, however many consumers wait for it. */
  private readNextPage(): Promise<void> {
    this.reading ??= this.readPage().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readPage(): Promise<void> {
    const head = this.window.at(-1)?.position ?? this.start;
    this.pages ??= pagesOf(this.store.subscribeToAll({ after: head }), this.pageSize, this.signal);
    try {
      const page = await this.pages.next();
      if (page.done) {
        if (this.signal.aborted) return;
        throw new Error('The subscription to $all ended');
      }
      this.window.push(...page.value);
    } catch (error) {
      // The subscription ended with the failure (a dropped connection): the next read opens another.
      this.pages = undefined;
      throw error;
    }
    const excess = this.window.length - this.bufferedEvents;
    if (excess > 0) {
      this.start = this.window[excess - 1].position;
      this.window = this.window.slice(excess);
    }
  }
}

/**
 * Groups a catch-up subscription into pages: everything already available, up to `size`, so a
 * consumer catching up takes many events at once and a live one takes each as it comes.
 */
async function* pagesOf(
  subscription: AsyncIterable<RecordedEvent> & { close(): Promise<void> },
  size: number,
  signal: AbortSignal,
): AsyncGenerator<RecordedEvent[]> {
  const events = subscription[Symbol.asyncIterator]();
  const nextTick = () => new Promise<'empty'>((resolve) => setImmediate(() => resolve('empty')));
  let pending = events.next();
  let page: RecordedEvent[] = [];
  try {
    while (!signal.aborted) {
      const next = await untilAborted(page.length > 0 ? Promise.race([pending, nextTick()]) : pending, signal);
      if (next === 'stopped') return;
      if (next === 'empty') {
        yield page;
        page = [];
        continue;
      }
      if (next.done) return;
      page.push(next.value);
      pending = events.next();
      if (page.length >= size) {
        yield page;
        page = [];
      }
    }
  } finally {
    // The pending read may still fail (say, on a dropped connection); nobody awaits it now.
    pending.catch(() => undefined);
    await subscription.close();
  }
}
