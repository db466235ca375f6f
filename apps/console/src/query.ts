import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from './api/client';
import type { LiveChange, Page } from './api/types';
import { useLiveSignals } from './live';

/** Changes arriving together (a payment touches two accounts, a burst of traffic) cause one reload. */
const RELOAD_COALESCE_MS = 150;
/**
 * A change notice comes from the event store and may arrive before the read models have the
 * change (they follow the same store on their own): one more reload this long after the last one.
 */
const SETTLE_RELOAD_MS = 1_000;

export interface Query<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` now, whenever `deps` change, and again within a second of a live change that
 * `affects` it (any change when omitted), of a reset, or of a poll tick.
 */
export function useQuery<T>(
  load: () => Promise<T>,
  deps: unknown[],
  affects: (change: LiveChange) => boolean = () => true,
): Query<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiFailure; loading: boolean }>({ loading: true });
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const generation = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    latestLoad.current().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: unknown) =>
        mine === generation.current &&
        setState((previous) => ({
          data: previous.data,
          loading: false,
          error: error instanceof ApiFailure ? error : new ApiFailure(0, 'unexpected', String(error)),
        })),
    );
  }, []);

  useEffect(() => {
    setState({ loading: true });
    reload();
  }, deps);

  useEffect(
    () => () => {
      clearTimeout(pending.current);
      clearTimeout(settle.current);
    },
    [],
  );

  useLiveSignals((signal) => {
    if (signal.type === 'change' && !affects(signal.change)) return;
    if (signal.type === 'change') {
      clearTimeout(settle.current);
      settle.current = setTimeout(reload, SETTLE_RELOAD_MS);
    }
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      reload();
    }, RELOAD_COALESCE_MS);
  });

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A live change that touches one of `accountIds`, or is about `id`. */
export const touches =
  (...ids: (string | undefined)[]) =>
  (change: LiveChange) =>
    ids.some((id) => id !== undefined && (change.id === id || change.accountIds.includes(id)));

export interface PagedQuery<T> extends Query<Page<T>> {
  /** The first page (kept live) followed by the older pages loaded so far. */
  rows: T[];
  hasMore: boolean;
  loadMore(): void;
  moreError: ApiFailure | undefined;
}

/**
 * A cursor-paged list: the first page is a live query; "load more" appends older pages until the
 * filters (`deps`) change.
 */
export function usePagedQuery<T>(
  load: (cursor?: string) => Promise<Page<T>>,
  deps: unknown[],
  affects?: (change: LiveChange) => boolean,
): PagedQuery<T> {
  const first = useQuery(() => load(), deps, affects);
  const filters = JSON.stringify(deps);
  const [older, setOlder] = useState<{ filters: string; page: Page<T>; error?: ApiFailure } | undefined>(undefined);
  const current = older?.filters === filters ? older : undefined;
  const cursor = current ? current.page.nextCursor : (first.data?.nextCursor ?? null);
  const loadMore = () => {
    if (!cursor) return;
    load(cursor).then(
      (page) =>
        setOlder({
          filters,
          page: { data: [...(current?.page.data ?? []), ...page.data], nextCursor: page.nextCursor },
        }),
      (error: ApiFailure) => setOlder({ filters, page: current?.page ?? { data: [], nextCursor: cursor }, error }),
    );
  };
  return {
    ...first,
    rows: [...(first.data?.data ?? []), ...(current?.page.data ?? [])],
    hasMore: cursor !== null,
    loadMore,
    moreError: current?.error,
  };
}
