// Runs a reference implementation (bench/reference/*.py on the system's python3 with PyTorch or
// PIL) from a benchmark, so our figure and the reference's come from the same run on the same
// machine. Benchmarks only: tests never depend on Python.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export type ReferenceResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

/** Runs bench/reference/<script> with `args`; its last stdout line is JSON. */
export function runReference(script: string, args: (string | number)[], timeoutMs = 600_000): ReferenceResult {
  const path = fileURLToPath(new URL(`./reference/${script}`, import.meta.url));
  // Debian's PyTorch does its matmuls in OpenBLAS, whose own pool ignores OMP_NUM_THREADS and
  // torch.set_num_threads: without OPENBLAS_NUM_THREADS a "one thread" reference used every core.
  const child = spawnSync(python, [path, ...args.map(String)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (child.error) return { ok: false, reason: `${python} did not run (${child.error.message})` };
  if (child.status !== 0) {
    const last = child.stderr.trim().split('\n').pop() ?? '';
    return { ok: false, reason: `${script} exited ${child.status}: ${last}` };
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ok: true, value: JSON.parse(line) as Record<string, unknown> };
  } catch {
    return { ok: false, reason: `${script} printed no JSON result: ${line.slice(0, 200)}` };
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** "ours X, reference Y: Z× slower/faster" for times (lower is better). */
export function ratioText(ours: number, reference: number): string {
  const ratio = ours / reference;
  return ratio >= 1
    ? `${ratio.toFixed(2)}× the reference's time`
    : `${(1 / ratio).toFixed(2)}× faster than the reference`;
}
