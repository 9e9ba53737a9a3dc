// Lint with types: typescript-eslint's recommended-type-checked rules over everything tsconfig.json covers.
// typescript-eslint 8 supports TypeScript below 6.1, hence the TypeScript 6.0 pin in package.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An async function without await is how a fake or an implementation of an async interface returns a
      // promise; the mistake the rule is after (a forgotten await) is caught by no-floating-promises.
      '@typescript-eslint/require-await': 'off',
      // The same convention as tsc's noUnusedParameters: a leading underscore marks a name kept on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // A file past a screen or so holds more than one concern: split it (the README's layers say where).
      'max-lines': ['error', { max: 300 }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed any by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
