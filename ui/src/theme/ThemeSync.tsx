import { useEffect } from 'react';
import { startTheme } from './theme';

/**
 * Puts the theme on <html> and follows the system's preference while the app
 * is mounted. Renders nothing: the theme is a module-level store (theme.ts),
 * so no provider has to wrap the tree.
 */
export function ThemeSync() {
  useEffect(() => startTheme(), []);
  return null;
}
