import { app, BrowserWindow } from 'electron';
import { appEntryUrl } from './schemes.js';
import { hardenWebContents } from './security.js';

// The lab's one window. webPreferences are written out literally (not built by a helper) so both
// reviewers and electronegativity see every hardened option where the window is made.
export function createMainWindow(preloadPath: string, iconPath?: string): BrowserWindow {
  const window = new BrowserWindow({
    // The window and taskbar icon on Linux and Windows (macOS takes the bundle's icon.icns).
    ...(iconPath ? { icon: iconPath } : {}),
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'DDL Lab',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in new windows (electronegativity AUXCLICK).
      disableBlinkFeatures: 'Auxclick',
      // DevTools for development (`npm start`) only; a packaged app cannot open them.
      devTools: !app.isPackaged,
    },
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appEntryUrl);
  return window;
}
