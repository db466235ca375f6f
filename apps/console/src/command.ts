import { useCallback, useRef, useState } from 'react';
import { ApiFailure, newIdempotencyKey } from './api/client';

export interface Command<Body, Result> {
  submit(body: Body): Promise<Result | undefined>;
  running: boolean;
  error?: ApiFailure;
  result?: Result;
  /** Starts over with a new Idempotency-Key: the next submit is a new operation. */
  reset(): void;
}

/**
 * A money-moving form's submit. The Idempotency-Key is made when the form opens and sent again
 * with the same body (a double click, a retry after a network error, a resubmit after success), so
 * the ledger moves the money once. A different body after an answer is a new operation: new key.
 */
export function useCommand<Body, Result>(
  send: (body: Body, idempotencyKey: string) => Promise<Result>,
): Command<Body, Result> {
  const key = useRef(newIdempotencyKey());
  const last = useRef<{ body: string; answered: boolean } | undefined>(undefined);
  const inFlight = useRef(false);
  const [state, setState] = useState<{ running: boolean; error?: ApiFailure; result?: Result }>({ running: false });

  const submit = useCallback(
    async (body: Body) => {
      if (inFlight.current) return undefined;
      inFlight.current = true;
      setState({ running: true });
      const serialized = JSON.stringify(body);
      if (last.current?.answered && last.current.body !== serialized) key.current = newIdempotencyKey();
      last.current = { body: serialized, answered: false };
      try {
        const result = await send(body, key.current);
        last.current.answered = true;
        setState({ running: false, result });
        return result;
      } catch (error) {
        const failure = error instanceof ApiFailure ? error : new ApiFailure(0, 'unexpected', String(error));
        // Without an answer the ledger may have run it: a retry must carry the same key.
        last.current.answered = failure.status !== 0;
        setState({ running: false, error: failure });
        return undefined;
      } finally {
        inFlight.current = false;
      }
    },
    [send],
  );

  const reset = useCallback(() => {
    key.current = newIdempotencyKey();
    last.current = undefined;
    setState({ running: false });
  }, []);

  return { submit, reset, ...state };
}
