import { readFileSync } from 'node:fs';

/** The last few lines a worker wrote to its log since `from`, for an error message about its exit. */
export function readLogTail(logFile: string, from: number, maxChars = 600): string {
  try {
    const text = readFileSync(logFile, 'utf8').slice(from).trim();
    return text
      .slice(-maxChars)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-5)
      .join(' | ');
  } catch {
    return '';
  }
}
