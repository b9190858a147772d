// Lint: type-checked typescript-eslint rules plus the import directions the
// architecture promises: services -> libs only; libs never import services;
// libs/raft imports nothing of ours; the raft core imports no node:* module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'crypto', 'child_process', 'timers', 'timers/*', 'worker_threads', 'buffer', 'stream', 'util', 'events', 'zlib'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'libs/*/src/gen/**', '.logbook/**', '.bench/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-empty-function': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@logbook/cli', '@logbook/raftkv', '@logbook/store', '@logbook/apiserver', '**/services/**'], message: 'libs never import services' }] }],
    },
  },
  {
    files: ['libs/raft/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@logbook/*', '**/services/**'], message: 'libs/raft depends on nothing of ours' }] }],
    },
  },
  {
    files: ['libs/raft/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@logbook/*', '../runtime/*', '**/services/**'], message: 'the raft core imports nothing of ours' },
            { group: nodeBuiltins, message: 'the raft core is pure: no node:* modules' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'process', 'Buffer', 'performance'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'inject time' },
        { object: 'Math', property: 'random', message: 'inject randomness' },
      ],
    },
  },
);
