import { app } from 'electron';
import { join } from 'node:path';
import { defaultDataDir } from '../../app/lab/lab.js';

// Where the bundles live: `npm start` runs `electron .` (package.json main = dist/electron/main.cjs),
// so the app path is the project root (or the asar root when packaged). The lab's data folder is the
// command line's (DDL_LAB_DATA_DIR, else the platform's per-user data folder): runs trained from
// either show in both. Electron's own userData (Chromium's caches) stays apart.
export function desktopPaths() {
  const root = app.getAppPath();
  return {
    appPath: root,
    preload: join(root, 'dist', 'electron', 'preload.cjs'),
    runWorker: join(root, 'dist', 'electron', 'run-worker.cjs'),
    evalWorker: join(root, 'dist', 'electron', 'eval-worker.cjs'),
    renderer: join(root, 'dist', 'renderer'),
    // resources/ is packed into the app (electron-builder.yml `files`), so the same path works packaged.
    icon: join(root, 'resources', 'icons', '512x512.png'),
    dataDir: defaultDataDir(),
  };
}
