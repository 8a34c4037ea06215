import { afterEach, describe, expect, it, vi } from 'vitest';

describe('start-up timings', () => {
  afterEach(() => {
    delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    vi.useRealTimers();
    vi.resetModules();
  });

  it('keeps the first milestone of each name', async () => {
    const { markStartup, startupMarks } = await import('./startupTimings');
    markStartup('script');
    const first = startupMarks().script;
    markStartup('script');
    expect(startupMarks().script).toBe(first);
  });

  it('lets reads wait for the first graph in the app, at most 2 s, and not at all outside it', async () => {
    vi.useFakeTimers();
    (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__ = {};
    const app = await import('./startupTimings');
    let done = false;
    void app.whenStarted().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(done).toBe(false);
    app.markStartup('ready');
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);

    vi.resetModules();
    const late = await import('./startupTimings');
    let timedOut = false;
    void late.whenStarted().then(() => (timedOut = true));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(timedOut).toBe(true);

    delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    vi.resetModules();
    const outside = await import('./startupTimings');
    await expect(outside.whenStarted()).resolves.toBeUndefined();
  });
});
