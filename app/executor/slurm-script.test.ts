import { describe, expect, it } from 'vitest';
import { slurmScript } from './slurm-script.js';
import { checkSlurmSettings, SlurmSettingsError } from './slurm-settings.js';

// The batch script is generated from the user's settings: every setting becomes its directive,
// setup lines run before the worker, and several bundles become one array job.

describe('slurm job scripts', () => {
  const settings = {
    sharedDir: '/shared/bundles',
    partition: 'gpu',
    account: 'face-lab',
    time: '04:00:00',
    cpus: 8,
    memory: '32G',
    gpus: 1,
    setup: ['module load nodejs/20', 'export LAB_BACKEND=tensorflow'],
    command: '/opt/ddl-lab/bin/ddl-lab',
  };

  it('one run: the directives of every setting, the setup lines, then the worker on its bundle', () => {
    const script = slurmScript(settings, {
      name: 'ddl-lab-run-3',
      bundles: ['/shared/bundles/run-3-ab'],
      logDir: '/shared/bundles/jobs',
    });
    const lines = script.split('\n');
    expect(lines.filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=ddl-lab-run-3',
      '#SBATCH --output=/shared/bundles/jobs/slurm-%j.out',
      '#SBATCH --nodes=1',
      '#SBATCH --ntasks=1',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=face-lab',
      '#SBATCH --time=04:00:00',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --mem=32G',
      '#SBATCH --gpus=1',
    ]);
    expect(lines.indexOf('module load nodejs/20')).toBeLessThan(lines.findIndex((l) => l.includes(' worker ')));
    expect(lines).toContain('export LAB_THREADS=8'); // the job's CPUs are the wasm threads
    expect(script).toContain('exec /opt/ddl-lab/bin/ddl-lab worker "$bundle"');
  });

  it('seeds of one variant: one array job, task i on bundle i', () => {
    const script = slurmScript(
      { sharedDir: '/s' },
      { name: 'seeds', bundles: ['/s/run-1-x', "/s/it's run-2"], logDir: '/s/jobs' },
    );
    expect(script).toContain('#SBATCH --array=0-1');
    expect(script).toContain('#SBATCH --output=/s/jobs/slurm-%A_%a.out');
    expect(script).toContain(`bundles=(/s/run-1-x '/s/it'\\''s run-2')`);
    expect(script).toContain('bundle="${bundles[${SLURM_ARRAY_TASK_ID:-0}]}"');
  });

  it('bad settings are refused naming the field, the value and what Slurm takes', () => {
    expect(() => checkSlurmSettings({ sharedDir: '/s', time: '4 hours', memory: '32 GB', cpus: 0 })).toThrow(
      SlurmSettingsError,
    );
    expect(() => checkSlurmSettings({ sharedDir: '/s', time: '4 hours', memory: '32 GB', cpus: 0 })).toThrow(
      /time "4 hours": minutes, HH:MM:SS or D-HH:MM:SS; memory "32 GB": .*; cpus 0: a whole number from 1/,
    );
    expect(checkSlurmSettings(settings)).toBe(settings);
  });
});
