import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applySettingChanges,
  effectiveSlurmSettings,
  parseSettingAssignment,
  readSlurmSettingsFile,
  slurmSettingsPath,
  writeSlurmSettingsFile,
} from './slurm-settings-file.js';
import { slurmScript } from './slurm-script.js';

// The data folder's slurm.json: read, checked (a bad value named with its file, field and value),
// written only whole and valid, changed field by field from the command line, and what the job
// scripts are made from.

const dirs: string[] = [];
const labDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddl-slurm-settings-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('slurm.json', () => {
  it('without a file: all defaults, bundles in the data folder', () => {
    const dir = labDir();
    expect(readSlurmSettingsFile(dir)).toEqual({});
    expect(effectiveSlurmSettings(dir)).toEqual({ sharedDir: join(dir, 'bundles') });
  });

  it('written, read back, and every field becomes its #SBATCH directive or line of the job script', () => {
    const dir = labDir();
    const settings = {
      sharedDir: '/cluster/scratch/bundles',
      partition: 'gpu',
      account: 'face-lab',
      time: '1-02:00:00',
      cpus: 8,
      memory: '32G',
      gpus: 1,
      setup: ['module load nodejs/20', 'source ~/venv/bin/activate'],
      pollSeconds: 30,
    };
    writeSlurmSettingsFile(dir, settings);
    expect(readSlurmSettingsFile(dir)).toEqual(settings);
    const script = slurmScript(effectiveSlurmSettings(dir), {
      name: 'ddl-lab-run-1',
      bundles: ['/cluster/scratch/bundles/run-1-x'],
      logDir: '/cluster/scratch/bundles/jobs',
    });
    for (const line of [
      '#SBATCH --partition=gpu',
      '#SBATCH --account=face-lab',
      '#SBATCH --time=1-02:00:00',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --mem=32G',
      '#SBATCH --gpus=1',
      'module load nodejs/20',
      'source ~/venv/bin/activate',
      'export LAB_THREADS=8',
    ])
      expect(script.split('\n')).toContain(line);
  });

  it('a bad file is refused naming the file, each field and its value', () => {
    const dir = labDir();
    const file = slurmSettingsPath(dir);
    writeFileSync(file, JSON.stringify({ partition: 'gpu nodes', cpus: 0, memory: 'lots', colour: 'blue' }));
    expect(() => readSlurmSettingsFile(dir)).toThrow(
      `${file}: partition takes letters, digits, _ . , - only, got "gpu nodes"; cpus must be at least 1, got 0; memory must be a number with an optional K, M, G or T (e.g. 8G), got "lots"; unknown field "colour"`,
    );
    writeFileSync(file, '{ "time": ');
    expect(() => readSlurmSettingsFile(dir)).toThrow(`${file}: not valid JSON`);
    writeFileSync(file, JSON.stringify({ sharedDir: 'relative/bundles' }));
    expect(() => effectiveSlurmSettings(dir)).toThrow('sharedDir must be an absolute path, got "relative/bundles"');
  });

  it('a refused change writes nothing: the file keeps its good settings', () => {
    const dir = labDir();
    writeSlurmSettingsFile(dir, { partition: 'gpu', time: '60' });
    const before = readFileSync(slurmSettingsPath(dir), 'utf8');
    expect(() => writeSlurmSettingsFile(dir, { partition: 'gpu', time: 'one hour' })).toThrow(
      /slurm\.json \(left unchanged\): time must be minutes, HH:MM:SS or D-HH:MM:SS, got "one hour"/,
    );
    expect(() =>
      writeSlurmSettingsFile(dir, { partition: 'gpu', setup: ['module load a\nrm -rf /'] } as never),
    ).toThrow(/setup: one command per line/);
    expect(readFileSync(slurmSettingsPath(dir), 'utf8')).toBe(before);
  });

  it('command-line changes: field=value, numbers for counts, setup lines as a list, empty or --unset for the default', () => {
    const start = { partition: 'gpu', cpus: 4, setup: ['old line'] };
    const changes = ['cpus=8', 'setup=module load nodejs/20', 'setup=export X=1', 'partition=', 'memory=16G'].map(
      parseSettingAssignment,
    );
    expect(applySettingChanges(start, changes)).toEqual({
      cpus: 8,
      setup: ['module load nodejs/20', 'export X=1'],
      memory: '16G',
    });
    expect(applySettingChanges(start, [], ['setup', 'cpus'])).toEqual({ partition: 'gpu' });
    expect(applySettingChanges({}, [parseSettingAssignment('sharedDir=rel')]).sharedDir).toBe(
      join(process.cwd(), 'rel'),
    );
    expect(() => parseSettingAssignment('partitions=gpu')).toThrow(
      /--set partitions=gpu: unknown field "partitions" \(fields: sharedDir, partition/,
    );
    expect(() => parseSettingAssignment('gpu')).toThrow(/write it as field=value/);
    expect(() => applySettingChanges({}, [], ['colour'])).toThrow(/--unset colour: unknown field/);
  });
});
