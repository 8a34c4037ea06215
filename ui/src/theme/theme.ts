// The colour theme: 'dark' or 'light', on <html data-theme>. Until the user
// picks one it follows the system's prefers-color-scheme; a pick is kept in
// localStorage. A module-level store rather than a context, so the graph's
// renderer and the command palette read the same value without a provider.
import { useSyncExternalStore } from 'react';

export type Theme = 'dark' | 'light';

export const THEME_STORAGE_KEY = 'choreoscope.theme';

const listeners = new Set<() => void>();
let current: Theme | null = null;

function stored(): Theme | null {
  try {
    const value = window.localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    // Storage can be disabled; the system preference still applies.
    return null;
  }
}

function systemTheme(): Theme {
  const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: light)') : null;
  return query?.matches ? 'light' : 'dark';
}

function apply(theme: Theme) {
  current = theme;
  document.documentElement.dataset.theme = theme;
  for (const listener of listeners) listener();
}

export function getTheme(): Theme {
  current ??= stored() ?? systemTheme();
  return current;
}

/** Sets the theme and remembers it as the user's choice. */
export function setTheme(theme: Theme) {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Not remembered across restarts, still applied now.
  }
  apply(theme);
}

export function toggleTheme() {
  setTheme(getTheme() === 'dark' ? 'light' : 'dark');
}

/**
 * Puts the theme on <html> and follows system changes while the user has not
 * chosen. Returns the cleanup.
 */
export function startTheme(): () => void {
  apply(stored() ?? systemTheme());
  if (typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia('(prefers-color-scheme: light)');
  const onChange = () => {
    if (stored() === null) apply(query.matches ? 'light' : 'dark');
  };
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Forgets the state (tests). */
export function resetThemeForTests() {
  current = null;
  delete document.documentElement.dataset.theme;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, getTheme, getTheme);
}
