// electron-builder's beforeBuild hook. electron-builder would rebuild node_modules' native
// modules in place for Electron, which breaks better-sqlite3 for Node (the CLI and the tests).
// Instead: build the separate Electron binding (native/electron, packaged unpacked beside
// app.asar) for the Electron being packaged, and tell electron-builder to skip its rebuild (false).
// sharp and the tfjs bindings are Node-API addons and load under Electron as they are.
import { buildSqliteForElectron } from './build-sqlite-electron.mjs';

export default async function beforeBuild(context) {
  const result = buildSqliteForElectron({ electronVersion: context.electronVersion });
  if (!result.ok) throw new Error(result.message);
  return false;
}
