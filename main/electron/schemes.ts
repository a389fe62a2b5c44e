import { protocol } from 'electron';
import { labImageScheme } from '../../app/api/contract/index.js';

// The app's own URL schemes: the UI is served from lab-app://renderer/ (not file://), dataset
// images from lab-image://media/<datasetId>/<imageId>. Both are standard + secure, so the page
// gets a real origin, CSP 'self' means exactly the app, and nothing else can be reached.

export const appScheme = 'lab-app';
export const appHost = 'renderer';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;
export { labImageScheme };

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: false } },
    { scheme: labImageScheme, privileges: { standard: true, secure: true, supportFetchAPI: false } },
  ]);
}

/** True for URLs of the app itself (lab-app://renderer/...). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${appScheme}:` && parsed.host === appHost;
  } catch {
    return false;
  }
}
