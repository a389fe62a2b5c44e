import { realpathSync, statSync } from 'node:fs';
import { parse, resolve, sep } from 'node:path';

// Which folders and files an import may read. Over the LabApi the caller is whoever holds the
// server's token, so a list file (pairs, attributes, list, split rule) must be inside the imported
// folder, or under a folder the person chose in the desktop app's picker. On the command line the
// caller is the files' owner, who may name a list file anywhere. Nobody reads the kernel's pseudo
// file systems (/proc, /sys, /dev: other processes' environments, devices that never end), and
// system folders such as / or /etc are not datasets. Paths are judged after resolving symbolic
// links, so a link in the dataset folder cannot lead to them either.

export interface InputPathPolicy {
  /** List files outside the dataset folder: refused (LabApi), or allowed (the command line). */
  outsideFiles: 'refuse' | 'allow';
  /** Folders (or files) the person chose in the desktop app's picker: list files under them are accepted. */
  picked?: readonly string[];
}

export const apiInputPolicy: InputPathPolicy = { outsideFiles: 'refuse' };
export const commandLineInputPolicy: InputPathPolicy = { outsideFiles: 'allow' };

/** A path the policy refuses; the message names it, says why and what to do. */
export class InputPathError extends Error {
  override name = 'InputPathError';
  constructor(
    message: string,
    /** Which input: 'root', 'listFile', 'attributesFile', 'pairsFile' or 'splitRuleFile'. */
    readonly input: string,
  ) {
    super(message);
  }
}

/** Never read, as a dataset or as a list file. */
const pseudoFileSystems = ['/proc', '/sys', '/dev'];
/** Not datasets: these folders and everything under them. */
const systemTrees = [...pseudoFileSystems, '/etc', '/boot', '/run', '/System', '/private/etc'];
/** Not datasets themselves (a dataset may live below them). */
const systemFolders = [
  '/usr',
  '/var',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/opt',
  '/srv',
  '/home',
  '/root',
  '/tmp',
  '/mnt',
  '/media',
  '/Users',
  '/Library',
  '/Volumes',
  '/private',
  '/private/var',
];

function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

function realPath(path: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    return resolve(path);
  }
}

function windowsSystemTree(): string[] {
  const systemRoot = process.platform === 'win32' ? process.env.SystemRoot : undefined;
  return systemRoot ? [systemRoot] : [];
}

/** Why `root` is not a dataset folder, or null when it may be imported. */
export function systemFolderReason(root: string): string | null {
  const real = realPath(root);
  if (parse(real).root === real) return `${real} is the root of a file system`;
  const tree = [...systemTrees, ...windowsSystemTree()].find((t) => isUnder(real, t));
  if (tree) return `${real} is ${real === tree ? 'the' : 'inside the'} system folder ${tree}`;
  if (systemFolders.includes(real)) return `${real} is a system folder`;
  return null;
}

/** Refuses a system folder as the dataset folder. */
export function checkImportFolder(root: string): void {
  const reason = systemFolderReason(root);
  if (reason)
    throw new InputPathError(
      `${reason}, not a dataset; import the folder that holds your identity folders (root/<identity>/<image>).`,
      'root',
    );
}

const inputNames: Record<string, string> = {
  listFile: 'list file',
  attributesFile: 'attributes file',
  pairsFile: 'pairs file',
  splitRuleFile: 'split rule file',
};

/**
 * Refuses a list file the policy does not allow: in /proc, /sys or /dev, not a regular file, or
 * (for the LabApi) outside the dataset folder and every picked folder.
 */
export function checkInputFile(file: string, input: string, root: string, policy: InputPathPolicy): void {
  const what = inputNames[input] ?? input;
  const real = realPath(file);
  const shown = real === resolve(file) ? real : `${resolve(file)} (${real})`;
  const pseudo = pseudoFileSystems.find((t) => isUnder(real, t));
  if (pseudo) throw new InputPathError(`The ${what} ${shown} is in ${pseudo}, which DDL Lab never reads.`, input);
  let isFile = false;
  try {
    isFile = statSync(real).isFile();
  } catch {
    throw new InputPathError(`The ${what} ${resolve(file)} does not exist.`, input);
  }
  if (!isFile) throw new InputPathError(`The ${what} ${shown} is not a regular file.`, input);
  if (policy.outsideFiles === 'allow') return;
  const allowed = [root, ...(policy.picked ?? [])].map(realPath);
  if (allowed.some((folder) => isUnder(real, folder))) return;
  throw new InputPathError(
    `The ${what} ${shown} is outside the dataset folder ${realPath(root)}; put it in that folder` +
      ' (or, in the desktop app, choose the folder that holds it with "Choose…").',
    input,
  );
}

/** Checks every input of an import: the folder, then each list file given or found in it. */
export function checkImportInputs(
  inputs: { root: string; files: Record<string, string | null | undefined> },
  policy: InputPathPolicy = apiInputPolicy,
): void {
  checkImportFolder(inputs.root);
  for (const [input, file] of Object.entries(inputs.files)) {
    if (file) checkInputFile(file, input, inputs.root, policy);
  }
}
