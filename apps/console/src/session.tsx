import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { answer, ApiFailure, createApiClient, type ApiClient } from './api/client';
import type { Role, User } from './api/types';

/** The key lives in this tab's session storage only: never in a URL, a cookie or a log. */
const STORAGE_KEY = 'ledger.apiKey';

export interface Session {
  user: User & { role: Role };
  client: ApiClient;
  apiKey: string;
}

interface SessionState {
  session: Session | null;
  signIn(apiKey: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** Who the key belongs to; a key the ledger does not know is an ApiFailure (401). */
async function open(apiKey: string): Promise<Session> {
  const client = createApiClient(apiKey);
  const user = await answer<User>(client.GET('/api/v1/users/me'));
  return { user: user as Session['user'], client, apiKey };
}

/** Restores the tab's session (if its key still works) before rendering anything. */
export async function restoreSession(): Promise<Session | null> {
  const apiKey = sessionStorage.getItem(STORAGE_KEY);
  if (!apiKey) return null;
  try {
    return await open(apiKey);
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export function SessionProvider({ initial, children }: { initial: Session | null; children: ReactNode }) {
  const [session, setSession] = useState(initial);
  const signIn = useCallback(async (apiKey: string) => {
    const opened = await open(apiKey.trim());
    sessionStorage.setItem(STORAGE_KEY, opened.apiKey);
    setSession(opened);
  }, []);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session: screens behind the sign-in only. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}
