// Electron main process: one hardened window on the lab UI, the LabApi over IPC, images over
// lab-image://, runs and evaluations in utilityProcess. Holds no lab logic: everything is the LabApi service.
import { app, BrowserWindow, session, webContents } from 'electron';
import { createLabService, type LabService } from '../../app/api/service/index.js';
import { setNativeBinding } from '../../app/store/native-binding.js';
import { pickFolder, PickedPaths } from './folder-picker.js';
import { forwardLabEvents, registerLabIpc } from './ipc.js';
import { desktopPaths } from './paths.js';
import { registerProtocols } from './protocols.js';
import { registerPrivilegedSchemes } from './schemes.js';
import { hardenSession, hardenWebContents } from './security.js';
import { chooseSqliteBinding } from './sqlite-binding.js';
import { utilityProcessLauncher } from './utility-process-launcher.js';
import { createMainWindow } from './window.js';

export async function startDesktopApp(): Promise<void> {
  app.enableSandbox();
  registerPrivilegedSchemes();
  // One app per data directory: two would share one SQLite database and its run processes.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  await app.whenReady();
  const paths = desktopPaths();
  const picked = new PickedPaths();
  // better-sqlite3 built for Electron's ABI, here and in the utility processes.
  const sqlite = chooseSqliteBinding(paths.appPath);
  setNativeBinding(sqlite.path);
  const service: LabService = createLabService({
    dataDir: paths.dataDir,
    shell: 'electron',
    appVersion: app.getVersion(),
    versions: { electron: process.versions.electron, chrome: process.versions.chrome },
    pickFolder: (title) => pickFolder(title, picked),
    pickedPaths: () => picked.list(),
    runLauncher: utilityProcessLauncher(paths.runWorker, { env: sqlite.workerEnv }),
    evaluationLauncher: utilityProcessLauncher(paths.evalWorker, {
      serviceName: 'DDL Lab evaluation',
      env: sqlite.workerEnv,
    }),
  });
  hardenSession(session.defaultSession);
  registerProtocols(paths.renderer, service);
  registerLabIpc(service);
  forwardLabEvents(service, () => webContents.getAllWebContents());

  let window = createMainWindow(paths.preload, paths.icon);
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow(paths.preload, paths.icon);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Runs are suspended (resumable, `interrupted`) and the database closed before the app exits.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void service.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

void startDesktopApp().catch((error: unknown) => {
  process.stderr.write(
    `DDL Lab could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  app.exit(1);
});
