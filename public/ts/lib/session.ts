import { api } from './api.js';
import type { User } from './types.js';

/** Who is signed in, as the server says (GET /api/auth/session); pages re-render when it changes. */
let current: User | null = null;
const listeners = new Set<(user: User | null) => void>();

export const currentUser = (): User | null => current;

export function onSessionChange(listener: (user: User | null) => void): void {
  listeners.add(listener);
}

export function setUser(user: User | null): void {
  current = user;
  for (const listener of listeners) listener(user);
}

export async function loadSession(): Promise<User | null> {
  try {
    setUser((await api<{ user: User | null }>('GET', '/api/auth/session')).user);
  } catch {
    setUser(null);
  }
  return current;
}

export async function signOut(everywhere = false): Promise<void> {
  await api('POST', everywhere ? '/api/auth/logout-all' : '/api/auth/logout');
  setUser(null);
}

export const isArtist = (user: User | null) => user?.role === 'artist' || user?.role === 'admin';
export const isAdmin = (user: User | null) => user?.role === 'admin';
