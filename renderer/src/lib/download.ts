import { lab, type ExportFile, type ExportRequest } from '../api/index.js';

// Files to the user's Downloads folder from the page: a Blob behind a temporary link, the same in
// Electron and in the browser. Exports are made by the lab (exports.file, app/export's functions).

export function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Asks the lab for an export and saves it; returns the file name. */
export async function downloadExport(request: ExportRequest): Promise<string> {
  return saveExportFile(await lab.call('exports.file', request));
}

/** Saves a file the lab sent: text as it is, bytes (an .npy) from their base64. */
export function saveExportFile(file: ExportFile): string {
  if (file.encoding === 'base64') {
    const binary = atob(file.content);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    saveBlob(file.fileName, new Blob([bytes], { type: file.mimeType }));
  } else saveBlob(file.fileName, new Blob([file.content], { type: `${file.mimeType};charset=utf-8` }));
  return file.fileName;
}

/** Saves every file of a finished exports.compute job (an .npy and its rows file: two). */
export async function downloadComputedExport(exportId: string): Promise<string[]> {
  const { files } = await lab.call('exports.computed', { exportId });
  return files.map(saveExportFile);
}
