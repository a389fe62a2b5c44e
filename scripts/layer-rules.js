// The import layers as eslint rules, shared by eslint.config.js and the test
// that checks the rules fail on real violations: `no-restricted-imports` blocks for the outer
// layers (app/ vs main/, renderer/, electron, react) and, inside app/, which folder may import
// which (appLayers below, checked by the local rule layers/code-import-patterns).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'http',
  'https',
  'net',
  'crypto',
  'stream',
  'url',
  'util',
  'events',
  'zlib',
  'module',
  'process',
  'buffer',
  'readline',
  'tty',
  'v8',
  'vm',
  'perf_hooks',
  'assert',
  'dns',
  'cluster',
  'dgram',
  'http2',
  'inspector',
  'querystring',
  'string_decoder',
  'timers',
  'tls',
];

const evalImports = [
  'app/eval/**',
  'app/data/**',
  'app/store/**',
  'app/models/**',
  'app/engine/**',
  'app/process/**',
  'app/util/**',
  'app/vocabulary/**',
];
const trainImports = [
  'app/train/**',
  'app/data/**',
  'app/eval/**',
  'app/store/**',
  'app/models/**',
  'app/losses/**',
  'app/engine/**',
  'app/process/**',
  'app/util/**',
  'app/vocabulary/**',
];
const exportImports = [
  'app/export/**',
  'app/store/**',
  'app/eval/**',
  'app/data/**',
  'app/util/**',
  'app/vocabulary/**',
];

// Which app/ folder may import which, in VS Code's code-import-patterns style: a file takes the
// first entry whose `target` glob matches it, and may import from app/ only what one of its
// `restrictions` globs matches (imports of packages and Node are the other rules' business).
// Tests and test-support come first: they may also reach up for fixtures (a trained run, a
// dataset), which their folder's code never may. A folder of app/ with no entry is refused until
// it gets one, so the matrix always lists every folder.
export const appLayers = [
  // Leaves: shared by every layer, import nothing of app/.
  { target: 'app/util/**', restrictions: ['app/util/**'] },
  { target: 'app/vocabulary/**', restrictions: ['app/vocabulary/**'] },
  // Worker processes (runs, evaluations): how they are started and talk to their parent.
  { target: 'app/process/**', restrictions: ['app/process/**', 'app/util/**'] },
  // tfjs and the backends: the only folder that knows which backend runs.
  { target: 'app/engine/**', restrictions: ['app/engine/**', 'app/util/**'] },
  // Pure maths on the engine: no storage, no data, no runs.
  { target: 'app/models/**', restrictions: ['app/models/**', 'app/engine/**', 'app/util/**', 'app/vocabulary/**'] },
  { target: 'app/losses/**', restrictions: ['app/losses/**', 'app/engine/**', 'app/util/**', 'app/vocabulary/**'] },
  // SQLite. Its tests build rows from an evaluation report and a fake dataset.
  {
    target: 'app/store/**/*.test.ts',
    restrictions: ['app/store/**', 'app/util/**', 'app/vocabulary/**', 'app/eval/**', 'app/train/test-support/**'],
  },
  {
    target: 'app/store/**',
    restrictions: ['app/store/**', 'app/util/**', 'app/vocabulary/**'],
    // The stored report's JSON shape (types only, no code); its home should become app/vocabulary.
    typeOnly: ['app/eval/report-types.*'],
  },
  // Face detection and landmarks (tfjs graph models from node_modules) on the engine; the
  // alignment maths and the import's face stage are data's. Its tests import real photos.
  {
    target: 'app/faces/**/*.test.ts',
    restrictions: ['app/faces/**', 'app/engine/**', 'app/data/**', 'app/store/**', 'app/util/**'],
  },
  { target: 'app/faces/**', restrictions: ['app/faces/**', 'app/engine/**', 'app/data/**', 'app/util/**'] },
  // Image import, splits, samplers, SynthFaces: files and rows, no tensors.
  { target: 'app/data/**', restrictions: ['app/data/**', 'app/store/**', 'app/util/**', 'app/vocabulary/**'] },
  // Evaluation. Its tests and test-support train a small run to evaluate.
  {
    target: ['app/eval/**/*.test.ts', 'app/eval/**/test-support/**'],
    restrictions: [...evalImports, 'app/train/**'],
  },
  // The evaluation process's entry also computes the exports that need the model again
  // (app/export's computeExport) and makes pretrained runs (app/train's pretrainedRun): an entry
  // point composes, nothing imports it.
  {
    target: 'app/eval/run/eval-worker.ts',
    restrictions: [...evalImports, 'app/export/**', 'app/train/pretrained-start.*'],
  },
  {
    target: 'app/eval/**',
    restrictions: evalImports,
  },
  // Training. Its integration tests also check what the service reads of a run (embeddings).
  {
    target: 'app/train/**/*.test.ts',
    restrictions: [...trainImports, 'app/api/service/**'],
  },
  {
    target: 'app/train/**',
    restrictions: trainImports,
  },
  // Getting results out (metric series, TensorBoard files, per-pair scores): pure functions over
  // the store. Its tests train a small run and evaluate it, so they may reach train and eval's fixtures.
  {
    target: 'app/export/**/*.test.ts',
    restrictions: [...exportImports, 'app/train/**'],
  },
  {
    target: 'app/export/**',
    restrictions: exportImports,
  },
  // Domain operations over the lab (one home per operation).
  {
    target: 'app/lab/**',
    restrictions: [
      'app/lab/**',
      'app/faces/**',
      'app/store/**',
      'app/data/**',
      'app/train/**',
      'app/eval/**',
      'app/models/**',
      'app/engine/**',
      'app/losses/**',
      'app/process/**',
      'app/util/**',
      'app/vocabulary/**',
    ],
  },
  // Where runs execute: the local executor, run bundles, the bundle worker and the Slurm executor.
  {
    target: 'app/executor/**',
    restrictions: [
      'app/executor/**',
      'app/train/**',
      'app/data/**',
      'app/store/**',
      'app/engine/**',
      'app/process/**',
      'app/util/**',
      'app/vocabulary/**',
    ],
  },
  // The demo's orchestration (baseline vs DDL on SynthFaces).
  {
    target: 'app/demo/**',
    restrictions: [
      'app/demo/**',
      'app/executor/**',
      'app/lab/**',
      'app/train/**',
      'app/eval/**',
      'app/data/**',
      'app/store/**',
      'app/models/**',
      'app/losses/**',
      'app/engine/**',
      'app/process/**',
      'app/util/**',
      'app/vocabulary/**',
    ],
  },
  // Experiments: variants × seeds of paired stage-2 comparisons, on the lab's run queue.
  {
    target: 'app/experiments/**',
    restrictions: [
      'app/experiments/**',
      'app/demo/**',
      'app/executor/**',
      'app/lab/**',
      'app/train/**',
      'app/eval/**',
      'app/data/**',
      'app/store/**',
      'app/models/**',
      'app/losses/**',
      'app/engine/**',
      'app/process/**',
      'app/util/**',
      'app/vocabulary/**',
    ],
  },
  // The API contract is what the UI sees: zod shapes only. Its parity test checks them against train's.
  {
    target: 'app/api/contract/**/*.test.ts',
    restrictions: ['app/api/contract/**', 'app/vocabulary/**', 'app/train/**'],
  },
  { target: 'app/api/contract/**', restrictions: ['app/api/contract/**', 'app/vocabulary/**'] },
  // The service implements the contract over the lab; no maths of its own (no models, losses).
  {
    target: 'app/api/service/**',
    restrictions: [
      'app/api/service/**',
      'app/api/contract/**',
      'app/api/*',
      'app/lab/**',
      'app/executor/**',
      'app/demo/**',
      'app/experiments/**',
      'app/train/**',
      'app/eval/**',
      'app/export/**',
      'app/data/**',
      'app/store/**',
      'app/engine/**',
      'app/process/**',
      'app/util/**',
      'app/vocabulary/**',
    ],
  },
  // dispatch.ts: the one call path of every transport, over the contract.
  // dispatch.ts; its tests drive it with the real service.
  {
    target: 'app/api/*.test.ts',
    restrictions: ['app/api/*', 'app/api/contract/**', 'app/api/service/**', 'app/vocabulary/**'],
  },
  { target: 'app/api/*', restrictions: ['app/api/*', 'app/api/contract/**', 'app/vocabulary/**'] },
];

function globToRegExp(glob) {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const compiled = appLayers.map((entry) => ({
  ...entry,
  targets: [entry.target].flat().map(globToRegExp),
  allowed: entry.restrictions.map(globToRegExp),
  typeOnlyAllowed: (entry.typeOnly ?? []).map(globToRegExp),
}));

/** app/<folder>, or app/api/<folder> (app/api for the files directly in app/api). */
function folderOf(file) {
  const parts = file.split('/');
  return parts.slice(0, parts[1] === 'api' && parts.length > 3 ? 3 : 2).join('/');
}

/** The local rule: resolves each relative import of an app/ file and checks it against appLayers. */
const codeImportPatterns = {
  meta: {
    type: 'problem',
    docs: { description: 'which app/ folder may import which (scripts/layer-rules.js appLayers)' },
    schema: [],
  },
  create(context) {
    const file = path.relative(repoRoot, context.filename).split(path.sep).join('/');
    if (!file.startsWith('app/')) return {};
    const entry = compiled.find((e) => e.targets.some((t) => t.test(file)));
    const check = (node, typeOnly) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (!target.startsWith('app/')) return;
      if (!entry) {
        context.report({
          node,
          message: `${folderOf(file)} is not in the app/ layer matrix: add an entry for it to appLayers in scripts/layer-rules.js.`,
        });
        return;
      }
      if (entry.allowed.some((a) => a.test(target))) return;
      if (typeOnly && entry.typeOnlyAllowed.some((a) => a.test(target))) return;
      const allowed = entry.restrictions.filter((_, i) => !entry.allowed[i].test(file));
      context.report({
        node,
        message: `${folderOf(file)} may not import ${folderOf(target)} ('${spec}'): the layer matrix (appLayers in scripts/layer-rules.js) lets it import only ${allowed.join(', ') || 'nothing else of app/'}.`,
      });
    };
    const allTypes = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, allTypes(node)),
      ExportNamedDeclaration: (node) => check(node, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, false),
    };
  },
};

export const layersPlugin = { rules: { 'code-import-patterns': codeImportPatterns } };

export const layerRules = [
  {
    files: ['app/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/code-import-patterns': 'error' },
  },
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'app/ is pure Node: it never imports electron (docs/architecture.md#layers).',
            },
            { name: 'react', message: 'app/ is pure Node: it never imports react (docs/architecture.md#layers).' },
            {
              name: 'react-dom',
              message: 'app/ is pure Node: it never imports react-dom (docs/architecture.md#layers).',
            },
          ],
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', 'electron/*', 'react/*', 'react-dom/*'],
              message: 'app/ never imports main/, renderer/, electron or react (docs/architecture.md#layers).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'renderer/ talks only to the LabApi client, never to electron (docs/architecture.md#layers).',
            },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'renderer/ never imports Node modules (docs/architecture.md#layers).',
            })),
          ],
          patterns: [
            { group: ['node:*'], message: 'renderer/ never imports Node modules (docs/architecture.md#layers).' },
            {
              regex: '(^|/)app/(?!api/contract(/|$))',
              message: 'renderer/ may import only app/api/contract from app/ (docs/architecture.md#layers).',
            },
            { group: ['**/main/**'], message: 'renderer/ never imports main/ (docs/architecture.md#layers).' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only main/electron/** imports electron (docs/architecture.md#layers).' },
          ],
          patterns: [
            {
              group: ['**/renderer/**', 'electron/*'],
              message:
                'main/ (outside main/electron) never imports electron or renderer/ (docs/architecture.md#layers).',
            },
          ],
        },
      ],
    },
  },
];
