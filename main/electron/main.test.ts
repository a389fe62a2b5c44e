import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labIpcMethodChannel, labMethodNames } from '../../app/api/contract/index.js';
import { platformDataDir } from '../../app/store/data-dir.js';
import { contentSecurityPolicy } from '../server/content-security-policy.js';
import { appContentSecurityPolicy } from './security.js';
import { FakeWebContents, recorded } from './test-support/fake-electron.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// The Electron main process with `electron` mocked: what it registers and how the window is hardened.

let root: string;
const savedEnv = Object.fromEntries(
  ['HOME', 'XDG_DATA_HOME', 'LOCALAPPDATA', 'DDL_LAB_DATA_DIR'].map((name) => [name, process.env[name]]),
);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ddl-lab-electron-'));
  mkdirSync(join(root, 'app', 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(root, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>DDL Lab</title>');
  writeFileSync(join(root, 'secret.txt'), 'root:x outside the renderer');
  process.env.FAKE_ELECTRON_APP_PATH = join(root, 'app');
  process.env.FAKE_ELECTRON_USER_DATA = join(root, 'user-data');
  // The platform's per-user data folder, under this test's root (env-paths reads these at call time).
  delete process.env.DDL_LAB_DATA_DIR;
  process.env.HOME = join(root, 'home');
  process.env.XDG_DATA_HOME = join(root, 'xdg-data');
  process.env.LOCALAPPDATA = join(root, 'local-app-data');
  recorded.reset();
  await import('./main.js');
  await vi.waitFor(() => expect(recorded.windows).toHaveLength(1));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const event = () => ({ preventDefault: vi.fn() });
const trusted = { senderFrame: { url: 'lab-app://renderer/index.html' } };

describe('Electron main: window', () => {
  it('enables the sandbox for every renderer and registers the app schemes as standard + secure', () => {
    expect(recorded.sandboxEnabled).toBe(true);
    const schemes = Object.fromEntries(recorded.privilegedSchemes.map((s) => [s.scheme, s.privileges]));
    expect(schemes['lab-app']).toMatchObject({ standard: true, secure: true });
    expect(schemes['lab-image']).toMatchObject({ standard: true, secure: true });
  });

  it('creates one window with hardened web preferences', () => {
    const prefs = recorded.windows[0]?.options.webPreferences;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).not.toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe(join(root, 'app', 'dist', 'electron', 'preload.cjs'));
    expect(recorded.windows[0]?.options.icon).toBe(join(root, 'app', 'resources', 'icons', '512x512.png'));
  });

  it('loads the UI from the app scheme, not from a remote or file URL', () => {
    expect(recorded.windows[0]?.loadedUrl).toBe('lab-app://renderer/index.html');
  });
});

describe('Electron main: navigation and new windows', () => {
  it('denies navigation away from the app and allows the app itself', () => {
    const contents = recorded.windows[0]!.webContents;
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8737/',
      'file:///etc/passwd',
      'lab-app://other/index.html',
    ]) {
      const e = event();
      contents.emit('will-navigate', e, url);
      expect(e.preventDefault, url).toHaveBeenCalled();
    }
    const inApp = event();
    contents.emit('will-navigate', inApp, 'lab-app://renderer/index.html');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const redirect = event();
    contents.emit('will-redirect', redirect, 'https://example.com/');
    expect(redirect.preventDefault).toHaveBeenCalled();
  });

  it('denies window.open and webviews', () => {
    const contents = recorded.windows[0]!.webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'lab-app://renderer/index.html' })).toEqual({ action: 'deny' });
    const webview = event();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('hardens every web contents created later, too', () => {
    const later = new FakeWebContents();
    recorded.appEvents.emit('web-contents-created', {}, later);
    expect(later.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const e = event();
    later.emit('will-navigate', e, 'https://example.com/');
    expect(e.preventDefault).toHaveBeenCalled();
  });
});

describe('Electron main: session', () => {
  it('denies every permission request and check', () => {
    const callback = vi.fn();
    recorded.session.permissionRequestHandler?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(recorded.session.permissionCheckHandler?.({}, 'geolocation')).toBe(false);
  });

  it('cancels remote content and allows only the app schemes', () => {
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      recorded.session.beforeRequest?.({ url }, (r: { cancel: boolean }) => {
        cancel = r.cancel;
      });
      return cancel;
    };
    expect(decide('https://example.com/tracker.js')).toBe(true);
    expect(decide('http://127.0.0.1:8737/api/system.info')).toBe(true);
    expect(decide('wss://example.com/socket')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(decide('lab-app://renderer/assets/index.js')).toBe(false);
    expect(decide('lab-image://media/1/2?thumb=96')).toBe(false);
  });

  it('sets the strict CSP on every response, the same policy the server sends', () => {
    let headers: Record<string, string[]> = {};
    recorded.session.headersReceived?.(
      { responseHeaders: { 'x-other': ['1'] } },
      (r: { responseHeaders: Record<string, string[]> }) => {
        headers = r.responseHeaders;
      },
    );
    expect(headers['Content-Security-Policy']).toEqual([appContentSecurityPolicy]);
    expect(headers['x-other']).toEqual(['1']);
    expect(appContentSecurityPolicy).toBe(contentSecurityPolicy(['lab-image:']));
    expect(appContentSecurityPolicy).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
  });
});

describe('Electron main: IPC', () => {
  it('registers one handler per LabApi method', () => {
    const channels = [...recorded.ipcHandlers.keys()].sort();
    expect(channels).toEqual(labMethodNames.map(labIpcMethodChannel).sort());
  });

  it('refuses calls from frames that are not the app', async () => {
    const handler = recorded.ipcHandlers.get(labIpcMethodChannel('system.info'))!;
    expect(await handler({ senderFrame: { url: 'https://example.com/' } }, {})).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await handler({ senderFrame: null }, {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('validates every payload with the contract schema', async () => {
    const images = recorded.ipcHandlers.get(labIpcMethodChannel('datasets.images'))!;
    const bad = await images(trusted, { datasetId: '../../etc', limit: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params', field: 'datasetId' } });
    const run = recorded.ipcHandlers.get(labIpcMethodChannel('runs.create'))!;
    expect(
      await run(trusted, {
        config: {
          datasetId: '1',
          splitId: '1',
          backbone: { name: 'ir-lite' },
          head: { type: 'arcface' },
          batchSize: 8,
          steps: 10,
          lr: -1,
        },
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_params', field: 'config.lr' } });
    const list = recorded.ipcHandlers.get(labIpcMethodChannel('datasets.list'))!;
    expect(await list(trusted, { injected: true })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(await list(trusted, 'not an object')).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it("answers system.info as the desktop shell with the command line's data directory, not Electron's userData", async () => {
    const info = await recorded.ipcHandlers.get(labIpcMethodChannel('system.info'))!(trusted, {});
    // The folder `ddl-lab` chooses with the same environment (the platform's per-user data folder).
    expect(platformDataDir().startsWith(root)).toBe(true);
    expect(info).toMatchObject({ ok: true, result: { shell: 'electron', dataDir: platformDataDir() } });
    expect(platformDataDir()).not.toBe(join(root, 'user-data'));
  });
});

describe('Electron main: protocols', () => {
  it('serves the renderer from lab-app:// with the CSP, and nothing outside it', async () => {
    const serve = recorded.protocolHandlers.get('lab-app')!;
    const page: Response = await serve({ url: 'lab-app://renderer/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(appContentSecurityPolicy);
    for (const url of [
      'lab-app://renderer/../secret.txt',
      'lab-app://renderer/..%2fsecret.txt',
      'lab-app://renderer/%2e%2e%2f%2e%2e%2fsecret.txt',
      'lab-app://elsewhere/index.html',
    ]) {
      const response: Response = await serve({ url });
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('root:x');
    }
  });

  it('serves lab-image:// only by dataset id and image id', async () => {
    const serve = recorded.protocolHandlers.get('lab-image')!;
    for (const url of [
      'lab-image://media/1/..%2f..%2fsecret.txt',
      `lab-image://media/${encodeURIComponent(join(root, 'secret.txt'))}`,
      'lab-image://etc/passwd',
      'lab-image://media/1/2/3',
    ]) {
      const response: Response = await serve({ url });
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('root:x');
    }
    expect(((await serve({ url: 'lab-image://media/1/2?thumb=7' })) as Response).status).toBe(400);
  });
});

describe('Electron main: quitting', () => {
  it('closes the lab service (suspending runs) before the app quits', async () => {
    const e = event();
    recorded.appEvents.emit('before-quit', e);
    expect(e.preventDefault).toHaveBeenCalled();
  });
});
