import { app } from 'electron';
import { join } from 'node:path';

// Where the bundles live: `npm start` runs `electron .` (package.json main = dist/electron/main.cjs),
// so the app path is the project root (or the asar root when packaged).
export function desktopPaths() {
  const root = app.getAppPath();
  return {
    appPath: root,
    preload: join(root, 'dist', 'electron', 'preload.cjs'),
    runWorker: join(root, 'dist', 'electron', 'run-worker.cjs'),
    evalWorker: join(root, 'dist', 'electron', 'eval-worker.cjs'),
    renderer: join(root, 'dist', 'renderer'),
    dataDir: app.getPath('userData'),
  };
}
