// What the drawer's dialogs share: focus moves in on open and back on
// close, Escape closes, and Tab stays inside.
import { useCallback, useEffect, type KeyboardEvent, type RefObject } from 'react';

/** Focuses `first` on open, and gives the focus back to where it was on close. */
export function useDialogFocus(first: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const before = document.activeElement;
    first.current?.focus();
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, [first]);
}

/** A keydown handler for a dialog: Escape calls `close`, Tab cycles inside `dialog`. */
export function useDialogKeys(dialog: RefObject<HTMLElement | null>, close: () => void) {
  return useCallback((event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = [
      ...dialog.current.querySelectorAll<HTMLElement>('button:not(:disabled), input:not(:disabled), [tabindex="0"]'),
    ];
    if (focusable.length === 0) return;
    const firstEl = focusable[0]!;
    const lastEl = focusable[focusable.length - 1]!;
    if (event.shiftKey && document.activeElement === firstEl) {
      event.preventDefault();
      lastEl.focus();
    } else if (!event.shiftKey && document.activeElement === lastEl) {
      event.preventDefault();
      firstEl.focus();
    }
  }, [dialog, close]);
}
