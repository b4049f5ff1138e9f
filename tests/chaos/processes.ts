/**
 * The OS processes of a chaos run: a redis-server with AOF, and each service as a process of its
 * own (../helpers/service-process.ts, shared with the scale-out benchmark).
 */
export { ServiceProcess } from '../helpers/service-process.ts';
export { freePort, RedisServer, until } from '../helpers/redis-server.ts';
