// `npm run lint`: typescript-eslint's recommended rules, plus the type-aware rules that catch
// what strict tsc does not: a promise nobody awaits or catches, a promise where a callback's
// return is ignored, a switch over a union that misses a member.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.test-artifacts/**',
      'src/tsplugin/package/**',
      'bench/results/**',
      'test/extension/fixtures/**',
      // The corpus notebooks' own files: code written by others, kept as its authors wrote it.
      'test/corpus/*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Errors rethrown with a clearer message already quote the cause's message; a `cause`
      // would change what cells see of them.
      'preserve-caught-error': 'off',
      // A `let` read by a closure before its one assignment (a callback wired up before the
      // object it calls exists) must stay a `let`: a `const` would throw there.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // tsc (strict, noUnusedLocals/Parameters) already reports these.
      '@typescript-eslint/no-unused-vars': 'off',
      'no-undef': 'off',
    },
  },
  {
    // Tests wait in loops that `break` once a value is set, which no-useless-assignment misreads;
    // they match indented JSON with literal spaces, which reads better than ` {3}`.
    files: ['test/**', 'bench/**'],
    rules: { 'no-useless-assignment': 'off', 'no-regex-spaces': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
  },
);
