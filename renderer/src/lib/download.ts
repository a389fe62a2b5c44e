import { lab, type ExportRequest } from '../api/index.js';

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
  const file = await lab.call('exports.file', request);
  saveBlob(file.fileName, new Blob([file.content], { type: `${file.mimeType};charset=utf-8` }));
  return file.fileName;
}
