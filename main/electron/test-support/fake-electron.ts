import { EventEmitter } from 'node:events';

// A stand-in for the `electron` module (the binary cannot run here): records what the main
// process and the preload do with it, so tests can assert on windows, handlers and protocols.
// Use: vi.mock('electron', () => import('./test-support/fake-electron.js')).

type Handler = (...args: any[]) => any;

export const recorded = {
  windows: [] as FakeBrowserWindow[],
  ipcHandlers: new Map<string, Handler>(),
  ipcRendererListeners: new Map<string, Set<Handler>>(),
  ipcInvocations: [] as Array<{ channel: string; args: unknown[] }>,
  exposed: new Map<string, unknown>(),
  privilegedSchemes: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
  protocolHandlers: new Map<string, Handler>(),
  session: {
    permissionRequestHandler: undefined as Handler | undefined,
    permissionCheckHandler: undefined as Handler | undefined,
    beforeRequest: undefined as Handler | undefined,
    headersReceived: undefined as Handler | undefined,
  },
  sandboxEnabled: false,
  appEvents: new EventEmitter(),
  utilityForks: [] as Array<{
    modulePath: string;
    args: string[];
    options: Record<string, unknown>;
    child: FakeUtilityProcess;
  }>,
  reset() {
    this.windows.length = 0;
    this.ipcHandlers.clear();
    this.ipcRendererListeners.clear();
    this.ipcInvocations.length = 0;
    this.exposed.clear();
    this.privilegedSchemes.length = 0;
    this.protocolHandlers.clear();
    this.session = {
      permissionRequestHandler: undefined,
      permissionCheckHandler: undefined,
      beforeRequest: undefined,
      headersReceived: undefined,
    };
    this.sandboxEnabled = false;
    this.appEvents.removeAllListeners();
    this.utilityForks.length = 0;
  },
};

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: Handler | undefined;
  url = '';
  sent: Array<{ channel: string; args: unknown[] }> = [];
  setWindowOpenHandler(handler: Handler) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return false;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows() {
    return recorded.windows;
  }
  static getFocusedWindow() {
    return recorded.windows[0] ?? null;
  }
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  constructor(readonly options: Record<string, any>) {
    super();
    recorded.windows.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    this.webContents.url = url;
    return Promise.resolve();
  }
  show() {}
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
}
export const BrowserWindow = FakeBrowserWindow;

export const app = {
  /** Set it to true to see what a packaged app does. */
  isPackaged: false,
  enableSandbox() {
    recorded.sandboxEnabled = true;
  },
  requestSingleInstanceLock() {
    return true;
  },
  whenReady() {
    return Promise.resolve();
  },
  on(event: string, listener: Handler) {
    recorded.appEvents.on(event, listener);
    return app;
  },
  getAppPath() {
    return process.env.FAKE_ELECTRON_APP_PATH ?? process.cwd();
  },
  getPath(_name: string) {
    return process.env.FAKE_ELECTRON_USER_DATA ?? '/tmp/ddl-lab-fake-user-data';
  },
  getVersion() {
    return '0.0.0-test';
  },
  quit() {},
  exit() {},
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>) {
    recorded.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: Handler) {
    recorded.protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: Handler) {
      recorded.session.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Handler) {
      recorded.session.permissionCheckHandler = handler;
    },
    webRequest: {
      onBeforeRequest(handler: Handler) {
        recorded.session.beforeRequest = handler;
      },
      onHeadersReceived(handler: Handler) {
        recorded.session.headersReceived = handler;
      },
    },
  },
};

export const webContents = {
  getAllWebContents() {
    return recorded.windows.map((w) => w.webContents);
  },
};

export const ipcMain = {
  handle(channel: string, handler: Handler) {
    if (recorded.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    recorded.ipcHandlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    recorded.ipcHandlers.delete(channel);
  },
};

export const ipcRenderer = {
  invoke(channel: string, ...args: unknown[]) {
    recorded.ipcInvocations.push({ channel, args });
    const handler = recorded.ipcHandlers.get(channel);
    if (!handler)
      return Promise.reject(
        new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`),
      );
    return Promise.resolve(handler({ senderFrame: { url: 'lab-app://renderer/index.html' } }, ...args));
  },
  on(channel: string, listener: Handler) {
    const set = recorded.ipcRendererListeners.get(channel) ?? new Set();
    set.add(listener);
    recorded.ipcRendererListeners.set(channel, set);
  },
  removeListener(channel: string, listener: Handler) {
    recorded.ipcRendererListeners.get(channel)?.delete(listener);
  },
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown) {
    recorded.exposed.set(key, api);
  },
};

export const dialog = {
  nextResult: { canceled: true, filePaths: [] as string[] },
  showOpenDialog: async (..._args: unknown[]) => dialog.nextResult,
};

export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined;
  posted: unknown[] = [];
  killed = false;
  stdout = null;
  stderr = null;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  kill() {
    this.killed = true;
    return true;
  }
}

export const utilityProcess = {
  nextPid: undefined as number | undefined,
  fork(modulePath: string, args: string[], options: Record<string, unknown>) {
    const child = new FakeUtilityProcess();
    child.pid = utilityProcess.nextPid;
    recorded.utilityForks.push({ modulePath, args, options, child });
    return child;
  },
};

export default {
  app,
  BrowserWindow,
  protocol,
  session,
  webContents,
  ipcMain,
  ipcRenderer,
  contextBridge,
  dialog,
  utilityProcess,
};
