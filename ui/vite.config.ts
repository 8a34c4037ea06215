import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Tauri loads the built files from disk and, in dev, from this fixed port
// (tauri.conf.json's devUrl), so the port must not drift.
export default defineConfig({
  base: './',
  plugins: [react()],
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // elkjs alone is ~1.6 MB; the bundle is read from local disk by the
    // webview, so chunk size is not a network concern here.
    chunkSizeWarningLimit: 3000,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
