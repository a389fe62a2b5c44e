import type { Readable } from 'node:stream';
import type { LabApiHandlers, LabEvent, SystemInfo, ThumbnailSize } from '../contract/index.js';
import type { RunProcessLauncher } from '../../process/process-launcher.js';

/** Pixels of one dataset image, found by id (never by a path from the caller). */
export interface LabImage {
  contentType: string;
  data: Readable;
}

/** The lab core behind the LabApi, shared by both transports. */
export interface LabService {
  readonly handlers: LabApiHandlers;
  /** Every event the lab emits; returns the unsubscribe function. */
  subscribe(listener: (event: LabEvent) => void): () => void;
  /** An image of a registered dataset by id, optionally as a thumbnail (long side `thumb` px). */
  openImage(datasetId: string, imageId: string, thumb?: ThumbnailSize): Promise<LabImage>;
  /** Stops jobs and run supervision, closes the database. */
  close(): Promise<void>;
}

/** What the shell around the service provides (Electron: folder picker, utilityProcess launcher). */
export interface LabServiceOptions {
  dataDir: string;
  shell: SystemInfo['shell'];
  /** Native folder dialog; absent in server mode. */
  pickFolder?: (title?: string) => Promise<string | null>;
  /** Paths the person chose in that dialog: an import may read list files under them (else only inside its folder). */
  pickedPaths?: () => readonly string[];
  /** App version (package.json) for system.info. */
  appVersion?: string;
  /** Starts run processes (Electron: utilityProcess); default: app/train's child_process.fork launcher. */
  runLauncher?: RunProcessLauncher;
  /** Starts evaluation processes the same way; default: app/eval/run's child_process.fork launcher. */
  evaluationLauncher?: RunProcessLauncher;
  /** Electron version info for system.info. */
  versions?: { electron?: string; chrome?: string };
}
