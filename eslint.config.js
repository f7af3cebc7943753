// Lint rules, and the process boundaries of the house style: each folder may import only what runs
// in its process (shared: nothing platform-specific; renderer: no Node; only the shell imports electron).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = {
  group: ['node:*'],
  message: 'shared/ and renderer/ run anywhere: no Node built-ins.',
};
const ELECTRON = {
  name: 'electron',
  message: 'Only the Electron shell files in electron/ may import electron.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    // Tool configuration files are loaded through their default export.
    files: ['eslint.config.js', 'vitest.config.ts', '**/*.config.{js,ts,mjs}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON, { name: 'react', message: 'shared/ holds no UI code.' }],
          patterns: [
            NODE_BUILTINS,
            {
              group: ['**/native-workers/**', '**/electron/**', '**/renderer/**'],
              message: 'shared/ imports nothing from the other folders.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['native-workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'native-workers/ may import shared/ and Node only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    // The page's build configuration runs in Node.
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [
            NODE_BUILTINS,
            {
              group: ['**/native-workers/**', '**/electron/**'],
              message: 'renderer/ may import shared/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/ipc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ELECTRON],
          patterns: [{ group: ['**/renderer/**'], message: 'The main process does not import the page.' }],
        },
      ],
    },
  },
);
