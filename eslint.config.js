// Lint: typescript-eslint's recommended rules everywhere, and the engine's purity as rules:
// no clock, timers, randomness, process or I/O, and no imports from outside engine/.
import tseslint from 'typescript-eslint';

const enginePurity = {
  files: ['engine/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'child_process', 'crypto', 'timers', 'timers/*'], message: 'engine/ does no I/O.' },
          { group: ['../*', '!./*'], message: 'engine/ imports only its own files.' },
          { regex: '^[^.]', message: 'engine/ imports no packages.' },
        ],
      },
    ],
    'no-restricted-globals': [
      'error',
      ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'performance', 'process', 'crypto', 'fetch', 'require'].map(
        (name) => ({ name, message: 'engine/ is pure: time and randomness are inputs.' }),
      ),
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Date', property: 'now', message: 'engine/ takes the time as a parameter.' },
      { object: 'Math', property: 'random', message: 'engine/ takes randomness as an input.' },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'engine/ takes the time as a parameter.' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  enginePurity,
);
