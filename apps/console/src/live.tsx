import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LiveChange } from './api/types';
import { serverSentEvents } from './server-sent-events';

/** What a screen hears: one change, "reload everything" (reset), or a poll tick when there is no live channel. */
export type LiveSignal = { type: 'change'; change: LiveChange } | { type: 'reset' } | { type: 'poll' };
export type LiveMode = 'connecting' | 'live' | 'polling' | 'reconnecting';
type Listener = (signal: LiveSignal) => void;

const POLL_INTERVAL_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 10_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows GET /api/v1/live with fetch (the key goes in a header, never a URL, so no EventSource),
 * resuming from the last position seen with Last-Event-ID after a drop so that nothing is missed.
 * A ledger without the live channel (404) is polled instead.
 */
async function follow(apiKey: string, signal: AbortSignal, emit: Listener, setMode: (mode: LiveMode) => void) {
  let lastId: string | undefined;
  let delay = 500;
  while (!signal.aborted) {
    try {
      const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}`, Accept: 'text/event-stream' };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch('/api/v1/live', { headers, signal, cache: 'no-store' });
      if (response.status === 404) {
        setMode('polling');
        while (!signal.aborted) {
          await sleep(POLL_INTERVAL_MS, signal);
          if (!signal.aborted) emit({ type: 'poll' });
        }
        return;
      }
      if (response.status === 400 && lastId) {
        // The cursor is no longer accepted: start again at the head and reload what is shown.
        lastId = undefined;
        emit({ type: 'reset' });
      } else if (response.ok && response.body) {
        for await (const message of serverSentEvents(response.body)) {
          if (message.event === 'ready') {
            lastId = (JSON.parse(message.data) as { position: string }).position;
            setMode('live');
            delay = 500;
          } else if (message.event === 'change') {
            const change = JSON.parse(message.data) as LiveChange;
            lastId = message.id ?? change.position;
            emit({ type: 'change', change });
          } else if (message.event === 'reset') {
            lastId = undefined;
            emit({ type: 'reset' });
            break;
          }
        }
      }
    } catch {
      // A dropped connection: reconnect below, from the last position seen.
    }
    if (signal.aborted) return;
    setMode('reconnecting');
    await sleep(delay, signal);
    delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
  }
}

interface LiveHub {
  mode: LiveMode;
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<LiveHub | null>(null);

export function LiveProvider({ apiKey, children }: { apiKey: string; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [mode, setMode] = useState<LiveMode>('connecting');
  useEffect(() => {
    const abort = new AbortController();
    const emit = (signal: LiveSignal) => listeners.current.forEach((listener) => listener(signal));
    void follow(apiKey, abort.signal, emit, setMode);
    return () => abort.abort();
  }, [apiKey]);
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const hub = useMemo(() => ({ mode, subscribe }), [mode, subscribe]);
  return <LiveContext.Provider value={hub}>{children}</LiveContext.Provider>;
}

export function useLiveMode(): LiveMode {
  return useContext(LiveContext)?.mode ?? 'connecting';
}

/** Calls `listener` on every live signal while the component is mounted. */
export function useLiveSignals(listener: Listener): void {
  const hub = useContext(LiveContext);
  const latest = useRef(listener);
  latest.current = listener;
  const subscribe = hub?.subscribe;
  useEffect(() => subscribe?.((signal) => latest.current(signal)), [subscribe]);
}
