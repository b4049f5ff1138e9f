import { Redis } from 'ioredis';
import { z } from 'zod';
import { defineBundle, definePlugin, defineTool } from '@aime/plugin-sdk';

/**
 * A plugin written as a factory: the Redis client it opens and its key namespace reach the
 * tools and hooks through the closure, with no module-level variables.
 */
export default definePlugin((config, ctx) => {
  // connectRedis follows the runtime onto a Redis Cluster (AIME_REDIS_CLUSTER=1); a context built by hand has only the URL.
  const redis = ctx.connectRedis?.() ?? new Redis(ctx.redisUrl);
  const maxNotes = typeof config.maxNotes === 'number' ? config.maxNotes : 20;

  const addNote = defineTool({
    name: 'add_note',
    description: 'Keep a note for the traveller (a reminder, a confirmation number). Mark it urgent to have an operator check it first.',
    input: z.object({ text: z.string().min(1).max(500), urgent: z.boolean().default(false) }),
    sideEffects: 'idempotent',
    // Only urgent notes wait for an operator; an empty note fails `invalid_input` without asking anyone.
    requiresApproval: (input) => input.urgent,
    run: async ({ text }, t) => {
      const key = ctx.keys.missionKey(t.missionId, 'notes');
      // The idempotency key makes a retried step add its note once.
      if (!(await redis.set(ctx.keys.missionKey(t.missionId, 'done', t.idempotencyKey), '1', 'NX'))) return { added: false, note: 'already kept' };
      const count = await redis.rpush(key, text);
      if (count > maxNotes) {
        await redis.rpop(key);
        return { added: false, note: `at most ${maxNotes} notes per mission` };
      }
      // Registered in the mission's owned set: retention expires it with the mission.
      await redis.sadd(ctx.keys.ownedSet(t.missionId), key, ctx.keys.missionKey(t.missionId, 'done', t.idempotencyKey));
      return { added: true, count };
    },
  });

  return {
    name: 'notes',
    version: '0.1.0',
    bundles: [defineBundle({ name: 'notes', description: 'Notes for the traveller (add_note).', tools: [addNote] })],
    // Once per mission that ends: archive its notes under the plugin's namespace.
    async onMissionEnd({ missionId, keys }) {
      const notes = await redis.lrange(keys.missionKey(missionId, 'notes'), 0, -1);
      if (notes.length > 0) await redis.set(keys.key('archive', missionId), JSON.stringify(notes), 'EX', 30 * 24 * 3600);
      ctx.logger.info('notes archived', { missionId, notes: notes.length });
    },
    teardown: async () => {
      await redis.quit();
    },
  };
});
