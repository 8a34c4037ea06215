import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getTheme, resetThemeForTests, setTheme, THEME_STORAGE_KEY, toggleTheme } from './theme';
import { ThemeSync } from './ThemeSync';
import { ThemeToggle } from './ThemeToggle';

/** A system preference that tests can flip. */
function systemPrefers(light: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    matches: light,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal(
    'matchMedia',
    vi.fn(() => query),
  );
  return {
    change(nowLight: boolean) {
      query.matches = nowLight;
      for (const listener of listeners) listener();
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  resetThemeForTests();
});

describe('theme', () => {
  it('follows the system until the user picks one', () => {
    const system = systemPrefers(true);
    render(<ThemeSync />);
    expect(document.documentElement.dataset.theme).toBe('light');
    act(() => system.change(false));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(getTheme()).toBe('dark');

    act(() => setTheme('light'));
    act(() => system.change(false));
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('is dark where the system says nothing', () => {
    render(<ThemeSync />);
    expect(getTheme()).toBe('dark');
  });

  it('remembers the choice in localStorage', () => {
    systemPrefers(false);
    toggleTheme();
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    resetThemeForTests();
    render(<ThemeSync />);
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('has a header toggle that names what it switches to', () => {
    systemPrefers(false);
    render(
      <>
        <ThemeSync />
        <ThemeToggle />
      </>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(screen.getByRole('button', { name: 'Switch to dark theme' })).toBeInTheDocument();
  });
});
