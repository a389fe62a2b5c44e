import { afterEach, describe, expect, it, vi } from 'vitest';
import { app, recorded } from './test-support/fake-electron.js';
import { createMainWindow } from './window.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// DevTools: available when developing (`npm start` runs an unpackaged app), never in a packaged build.

afterEach(() => {
  app.isPackaged = false;
  recorded.reset();
});

describe('main window DevTools', () => {
  it('are off in a packaged app', () => {
    app.isPackaged = true;
    createMainWindow('/app/dist/electron/preload.cjs');
    expect(recorded.windows.at(-1)!.options.webPreferences.devTools).toBe(false);
  });

  it('are on when the app runs from the project (npm start)', () => {
    app.isPackaged = false;
    createMainWindow('/project/dist/electron/preload.cjs');
    expect(recorded.windows.at(-1)!.options.webPreferences.devTools).toBe(true);
  });
});
