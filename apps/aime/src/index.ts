export { startAll, type AllInOneOptions, type AllInOneHandle } from './start.ts';
export { ensureRedis, StartupError, type EnsuredRedis } from './redis.ts';
