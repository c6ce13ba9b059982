import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Core stages stay pure: only adapter files (named for the technology they wrap) may do I/O. */
const CORE_IO = {
  paths: [
    { name: 'discord.js', message: 'Core code does not talk to Discord; add a port and an adapter.' },
    { name: 'openai', message: 'Core code does not call the model directly; use the Composer port.' },
    { name: 'keyv', message: 'Core code reaches the store through a port (store/*).' },
    { name: 'node:http', message: 'Core code does no network I/O.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only src/config.ts reads process.env.' }],
    },
  },
  { files: ['src/config.ts', 'tests/**', 'bench/**'], rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['src/ingest/**', 'src/retrieval/**', 'src/compose/**', 'src/render/**'],
    ignores: ['src/**/openai-*.ts', 'src/**/http-*.ts'],
    rules: { 'no-restricted-imports': ['error', CORE_IO] },
  },
);
