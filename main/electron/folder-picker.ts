import { BrowserWindow, dialog } from 'electron';

// The native folder dialog behind `system.pickFolder` (import a dataset by choosing its folder).
export async function pickFolder(title?: string): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: title ?? 'Choose a dataset folder',
    properties: ['openDirectory', 'dontAddToRecent'],
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
