import { BrowserWindow, dialog } from 'electron';

// The native folder dialog behind `system.pickFolder` (import a dataset by choosing its folder).
// What the person chose is remembered: an import may then read list files (pairs, attributes)
// under those folders, which a path typed into the page could not reach (input-path-policy.ts).

/** Paths chosen in the dialog during this session. */
export class PickedPaths {
  private readonly paths = new Set<string>();

  add(path: string): void {
    this.paths.add(path);
  }

  list(): readonly string[] {
    return [...this.paths];
  }
}

export async function pickFolder(title?: string, picked?: PickedPaths): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: title ?? 'Choose a dataset folder',
    properties: ['openDirectory', 'dontAddToRecent'],
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  const path = result.canceled ? null : (result.filePaths[0] ?? null);
  if (path) picked?.add(path);
  return path;
}
