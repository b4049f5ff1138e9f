import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedis, parseSeedNodes, readAcross, StoreKeys } from '../src/index.ts';
import { REDIS_URL } from './helpers.ts';

describe('Redis connections', () => {
  it('reads Cluster seed nodes from a comma list, with the first URL’s credentials and TLS for all', () => {
    const { nodes, redisOptions } = parseSeedNodes('rediss://app:s%40cret@10.0.0.1:7000, 10.0.0.2:7001,redis://10.0.0.3');
    expect(nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '10.0.0.3', port: 6379 },
    ]);
    expect(redisOptions).toEqual({ username: 'app', password: 's@cret', tls: {} });
    expect(() => parseSeedNodes(' , ')).toThrow(/no Redis Cluster node/);
  });

  it('opens a Cluster only when asked, with the same retry settings, lazily here so nothing connects', async () => {
    const cluster = createRedis({ url: 'redis://127.0.0.1:1,redis://127.0.0.1:2', cluster: true }, { lazyConnect: true, maxRetriesPerRequest: null });
    const single = createRedis(REDIS_URL, { lazyConnect: true });
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      expect(cluster.isCluster).toBe(true);
      expect((cluster as Cluster).options.redisOptions?.maxRetriesPerRequest).toBeNull();
      expect(single).toBeInstanceOf(Redis);
      expect(single.options.maxRetriesPerRequest).toBe(20);
      expect(single.options.reconnectOnError?.(new Error('READONLY You can’t write against a read only replica.'))).toBe(2);
    } finally {
      cluster.disconnect();
      single.disconnect();
    }
  });

  it('reads across keys in one round of replies, errors kept per command', async () => {
    const redis = createRedis(REDIS_URL);
    const key = `test-${Date.now()}-${Math.random()}:across`;
    try {
      await redis.set(key, 'v');
      const replies = await readAcross(redis, [
        ['get', key],
        ['hget', key, 'f'],
        ['get', `${key}:none`],
      ]);
      expect(replies[0]).toEqual([null, 'v']);
      expect(replies[1]?.[0]).toBeInstanceOf(Error);
      expect(replies[2]).toEqual([null, null]);
    } finally {
      await redis.del(key);
      await redis.quit();
    }
  });
});

describe('key layout on a Redis Cluster', () => {
  it('keeps single-Redis names and gives each group of global keys its own hash tag on a cluster', () => {
    const one = new StoreKeys('aime:');
    const many = new StoreKeys('aime:', { cluster: true });
    expect([one.missionIndex({ status: 'running' }), one.feed, one.workers, one.approvalIndex]).toEqual(['aime:missions:s:running', 'aime:feed', 'aime:workers', 'aime:approvals:index']);
    expect(many.missionIndex({ status: 'running' })).toBe('aime:{index}:missions:s:running');
    // Written in one MULTI when a mission finishes or is swept: one tag, one slot.
    expect([many.finished, many.finishedMeta, many.approvalIndex, many.missionIndex({ owner: 'o' })].every((k) => k.startsWith('aime:{index}:'))).toBe(true);
    expect(many.feed).toBe('aime:{feed}:feed');
    expect([many.workers, many.worker('w1'), many.knownBundles, many.capabilityWaits].every((k) => k.startsWith('aime:{registry}:'))).toBe(true);
    // A mission's keys are the same in both: its own tag.
    expect(many.record('m_1')).toBe(one.record('m_1'));
  });
});
