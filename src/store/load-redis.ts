import { createRequire } from 'node:module';
import type * as KeyvRedisModule from '@keyv/redis';

const require = createRequire(import.meta.url);

/**
 * @keyv/redis, loaded when the first redis:// store is opened rather than when this file is imported.
 *
 * Its @redis/client declares `class VerbatimString extends String`. Once any object has
 * String.prototype as its prototype, V8 (Node 20) no longer inlines `charCodeAt` in optimised code,
 * and every scanner in the process that reads text a character at a time runs 3–7× slower: the
 * tokenizer's ASCII path and the index builder's FNV hashing (ADR 007, addendum of 2026-12-03).
 * A process on SQLite never needs the module, so it no longer pays for it. `require` is the only
 * way to load a module late and synchronously; it gets the package's CommonJS build, which exports
 * the same names.
 */
export const loadRedis = (): typeof KeyvRedisModule => require('@keyv/redis') as typeof KeyvRedisModule;
