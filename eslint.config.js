// Lint config. The layer rules below keep docs/architecture.md#layers true; test/layers.test.ts proves they bite.
import tseslint from 'typescript-eslint';
import { layerRules } from './scripts/layer-rules.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'test-results/**',
      'playwright-report/**',
      '.test-results/**',
      'release/**',
      '.scratch/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  ...layerRules,
);
