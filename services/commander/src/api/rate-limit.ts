import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClient } from '@aime/store';
import { LimitError } from './limits.ts';

const MINUTE_MS = 60_000;

/** Options of {@link registerRateLimits}. */
export interface RateLimitOptions {
  /** Shared by every commander replica, so the limits hold fleet-wide. */
  redis: RedisClient;
  /** The commander's key prefix; counters live under `<prefix>ratelimit:`. */
  prefix: string;
  /** Requests per minute per principal. */
  requestsPerMinute: number;
  /** Missions created per minute per principal. */
  missionsPerMinute: number;
}

/** The API's rate limits, checked after authentication so they are keyed by principal. */
export interface RateLimits {
  /** Counts one request of `principal`. @throws LimitError 429 `rate_limited` (reason `rate`) with Retry-After. */
  request(request: FastifyRequest, reply: FastifyReply, principal: string): Promise<void>;
  /** Counts one mission creation of `principal`. @throws LimitError 429 `rate_limited` (reason `missions`) with Retry-After. */
  missionCreated(request: FastifyRequest, principal: string): Promise<void>;
}

function assertPerMinute(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number >= 1, got ${n}`);
}

/**
 * Registers `@fastify/rate-limit` (not globally: the auth guard calls it once the principal
 * is known) with its Redis store: a fixed one-minute window per principal, counted in
 * Redis so that two replicas behind a balancer share it.
 */
export async function registerRateLimits(app: FastifyInstance, opts: RateLimitOptions): Promise<RateLimits> {
  assertPerMinute('rateLimitPerMinute', opts.requestsPerMinute);
  assertPerMinute('AIME_MAX_MISSIONS_PER_MINUTE', opts.missionsPerMinute);
  await app.register(fastifyRateLimit, { global: false, redis: opts.redis, nameSpace: `${opts.prefix}ratelimit:` });

  // The plugin reads the key from the request; the guard knows the principal before the
  // request carries it, so it is handed over here.
  const keys = new WeakMap<FastifyRequest, string>();
  const keyOf = (req: FastifyRequest): string => keys.get(req) ?? `ip:${req.ip}`;
  const requests = app.createRateLimit({ max: opts.requestsPerMinute, timeWindow: MINUTE_MS, keyGenerator: (req) => `req:${keyOf(req)}` });
  const missions = app.createRateLimit({ max: opts.missionsPerMinute, timeWindow: MINUTE_MS, keyGenerator: (req) => `missions:${keyOf(req)}` });

  const exceeded = async (check: typeof requests, request: FastifyRequest, principal: string): Promise<number | null> => {
    keys.set(request, principal);
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return null;
    return Math.max(1, result.ttlInSeconds);
  };

  return {
    async request(request, reply, principal) {
      const seconds = await exceeded(requests, request, principal);
      if (seconds === null) return;
      void reply.header('x-ratelimit-limit', opts.requestsPerMinute);
      throw new LimitError('rate', 429, 'rate_limited', `too many requests: at most ${opts.requestsPerMinute} a minute; retry in ${seconds} s`, undefined, {
        'retry-after': String(seconds),
      });
    },
    async missionCreated(request, principal) {
      const seconds = await exceeded(missions, request, principal);
      if (seconds === null) return;
      throw new LimitError(
        'missions',
        429,
        'rate_limited',
        `too many missions: at most ${opts.missionsPerMinute} created a minute (AIME_MAX_MISSIONS_PER_MINUTE); retry in ${seconds} s`,
        undefined,
        { 'retry-after': String(seconds) },
      );
    },
  };
}
