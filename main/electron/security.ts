import type { Session, WebContents } from 'electron';
import { isAppUrl, labImageScheme } from './schemes.js';

// The Electron security checklist, applied in one place: no navigation, no new windows, no
// webviews, no permissions, no remote content, and a strict CSP on every response. (The window's
// hardened webPreferences are written out literally in window.ts, where scanners can read them.)

/**
 * The CSP of the desktop app: main/server's contentSecurityPolicy(['lab-image:']) (a test keeps
 * them equal), written out literally here so electronegativity can evaluate it.
 */
export const appContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: lab-image:; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Every web contents: navigation away from the app, window.open and webviews are refused. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Schemes a page of the app may load at all; everything else (http, https, ws, file, ftp) is cancelled. */
const allowedSchemes = new Set(['lab-app:', `${labImageScheme}:`, 'data:', 'blob:', 'devtools:']);

export function isAllowedRequest(url: string): boolean {
  try {
    return allowedSchemes.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: lab-image:; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
