import { rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { importDataset, type ImportOptions, type ImportResult } from '../import-dataset.js';
import { checkImportFolder, checkInputFile } from '../input-path-policy.js';
import { dataDirOf } from '../pixel-cache.js';
import { extractInsightface, insightfaceFormat, newExtractFolder, type Extracted } from './extract-insightface.js';

// `ddl-lab dataset import lfw.bin` / `train.rec`: extract into the lab's data folder, then the
// ordinary import (read, measure, dedupe, pixel cache, pair list with its folds). The extracted
// folder is the dataset's root and is deleted with the dataset (app/lab/datasets.ts).

export interface InsightfaceImportResult extends ImportResult {
  /** What the insightface file held and where its images were extracted. */
  extracted: Omit<Extracted, 'listFile' | 'pairsFile'>;
}

/** True when `path` is an existing file with an insightface extension (.bin, .rec). */
export function isInsightfaceFile(path: string): boolean {
  if (!insightfaceFormat(path)) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export async function importInsightfaceFile(options: ImportOptions): Promise<InsightfaceImportResult> {
  const source = resolve(options.root);
  // The file is judged as a list file in its own folder: never in /proc, /sys, /dev, always a regular file.
  checkImportFolder(dirname(source));
  checkInputFile(source, 'root', dirname(source), { outsideFiles: 'allow' });
  const dataDir = dataDirOf(options.db, options.dataDir);
  const name = options.name ?? basename(source, extname(source));
  const folder = newExtractFolder(dataDir, name);
  const extracted = await extractInsightface(source, folder, {
    signal: options.signal,
    onProgress: (p) => options.onProgress?.({ ...p, phase: 'extracting' }),
  });
  let result: ImportResult;
  try {
    result = await importDataset({
      ...options,
      root: folder,
      name,
      listFile: extracted.listFile,
      pairsFile: extracted.pairsFile,
      attributesFile: null,
      splitRuleFile: null,
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const { listFile: _list, pairsFile: _pairs, ...summary } = extracted;
  return { ...result, extracted: summary };
}
