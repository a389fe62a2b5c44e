// The import layers of DESIGN.md §1 as eslint `no-restricted-imports` blocks, shared by
// eslint.config.js and the test that checks the rule fails on a real violation.
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

export const layerRules = [
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'app/ is pure Node: it never imports electron (DESIGN.md §1).' },
            { name: 'react', message: 'app/ is pure Node: it never imports react (DESIGN.md §1).' },
            { name: 'react-dom', message: 'app/ is pure Node: it never imports react-dom (DESIGN.md §1).' },
          ],
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', 'electron/*', 'react/*', 'react-dom/*'],
              message: 'app/ never imports main/, renderer/, electron or react (DESIGN.md §1).',
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
              message: 'renderer/ talks only to the LabApi client, never to electron (DESIGN.md §1).',
            },
            ...nodeBuiltins.map((name) => ({ name, message: 'renderer/ never imports Node modules (DESIGN.md §1).' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'renderer/ never imports Node modules (DESIGN.md §1).' },
            {
              regex: '(^|/)app/(?!api/contract(/|$))',
              message: 'renderer/ may import only app/api/contract from app/ (DESIGN.md §1).',
            },
            { group: ['**/main/**'], message: 'renderer/ never imports main/ (DESIGN.md §1).' },
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
          paths: [{ name: 'electron', message: 'Only main/electron/** imports electron (DESIGN.md §1).' }],
          patterns: [
            {
              group: ['**/renderer/**', 'electron/*'],
              message: 'main/ (outside main/electron) never imports electron or renderer/ (DESIGN.md §1).',
            },
          ],
        },
      ],
    },
  },
];
