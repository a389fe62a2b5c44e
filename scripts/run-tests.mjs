#!/usr/bin/env node
// `npm test`: typecheck, lint, build the UI, vitest, Playwright; then one line summing every test:
// `N passed, N failed[, N skipped]`. Exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = '.test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const tally = { passed: 0, failed: 0, skipped: 0 };
const only = process.argv.slice(2); // e.g. `npm test -- vitest` runs one stage

function stage(name) {
  return only.length === 0 || only.includes(name);
}

function step(label, command, args) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  return result.status === 0;
}

// Checks that are not test files count as one test each, so a red typecheck shows in the total.
function check(label, command, args) {
  if (step(label, command, args)) tally.passed += 1;
  else {
    tally.failed += 1;
    process.stdout.write(`!!! ${label} failed\n`);
  }
}

if (stage('typecheck')) {
  check('typecheck (node)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  check('typecheck (renderer)', 'npx', ['tsc', '--noEmit', '-p', 'renderer/tsconfig.json']);
}
if (stage('lint')) check('lint', 'npm', ['run', '--silent', 'lint']);

if (stage('vitest')) {
  const ok = step('vitest', 'npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${results}/vitest.json`,
  ]);
  const file = `${results}/vitest.json`;
  if (existsSync(file)) {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    tally.passed += report.numPassedTests ?? 0;
    tally.failed += report.numFailedTests ?? 0;
    tally.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed to load has no tests to count; count it as one failure.
    const brokenSuites = (report.testResults ?? []).filter(
      (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
    ).length;
    tally.failed += brokenSuites;
    if (!ok && report.numFailedTests === 0 && brokenSuites === 0) tally.failed += 1;
  } else if (!ok) tally.failed += 1;
}

if (stage('e2e')) {
  if (step('build renderer', 'npx', ['vite', 'build', '--logLevel', 'warn'])) {
    const ok = step('playwright', 'npx', ['playwright', 'test']);
    const file = `${results}/playwright.json`;
    if (existsSync(file)) {
      const stats = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
      tally.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
      tally.failed += stats.unexpected ?? 0;
      tally.skipped += stats.skipped ?? 0;
      if (!ok && !stats.unexpected) tally.failed += 1;
    } else if (!ok) tally.failed += 1;
  } else tally.failed += 1;
}

const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : '';
process.stdout.write(`\n${tally.passed} passed, ${tally.failed} failed${skipped}\n`);
process.exit(tally.failed > 0 ? 1 : 0);
