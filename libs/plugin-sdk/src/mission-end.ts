import { errorMessage } from '@aime/protocol';
import { pluginKeys } from './plugin-keys.ts';
import type { PluginDefinition, ToolLogger } from './types.ts';

/** How long the claim on one plugin's hook for one mission is kept (the hook runs once per plugin and mission). */
export const MISSION_END_CLAIM_MS = 24 * 3600 * 1000;

export interface MissionEndHooksOptions {
  /** The plugins of this worker; those with `onMissionEnd` are called. */
  plugins: readonly PluginDefinition[];
  /** The runtime's key prefix (the plugins' namespaces are under it). */
  keyPrefix: string;
  /**
   * Waits for missions that ended after `cursor` (blocking for a while at most) and returns
   * them with the cursor to wait from next. The first call gets `undefined`: start from now.
   */
  ended(cursor: string | undefined, signal: AbortSignal): Promise<{ cursor: string | undefined; missionIds: string[] }>;
  /** Sets `key` only if it is not set (SET NX PX): true for the one caller that set it. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  logger: ToolLogger;
  /** Pause after a failed wait. @default 1000 */
  retryMs?: number;
}

export interface MissionEndHooks {
  /** Stops waiting; resolves when the hooks running now have finished. */
  stop(): Promise<void>;
}

/**
 * Calls each plugin's `onMissionEnd` once per mission that ends while the worker runs: every
 * worker serving the plugin sees the end, one claims it (a key in the plugin's namespace) and
 * calls the hook. A mission that ended while no worker ran is not replayed; the plugin's keys
 * registered in the mission's owned set expire with it by retention all the same.
 */
export function startMissionEndHooks(opts: MissionEndHooksOptions): MissionEndHooks {
  const hooked = opts.plugins.filter((p) => typeof p.onMissionEnd === 'function');
  const ac = new AbortController();
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

  const runHooks = async (missionId: string): Promise<void> => {
    for (const plugin of hooked) {
      const keys = pluginKeys(opts.keyPrefix, plugin.name);
      try {
        if (!(await opts.claim(keys.missionKey(missionId, 'mission-end'), MISSION_END_CLAIM_MS))) continue;
        await plugin.onMissionEnd!({ missionId, keys });
      } catch (err) {
        opts.logger.warn('onMissionEnd failed', { plugin: plugin.name, missionId, err: errorMessage(err) });
      }
    }
  };

  const loop = async (): Promise<void> => {
    let cursor: string | undefined;
    while (!ac.signal.aborted) {
      try {
        const next = await opts.ended(cursor, ac.signal);
        cursor = next.cursor;
        for (const id of next.missionIds) await runHooks(id);
      } catch (err) {
        if (ac.signal.aborted) break;
        opts.logger.warn('waiting for ended missions failed; retrying', { err: errorMessage(err) });
        await sleep(opts.retryMs ?? 1_000);
      }
    }
  };

  const running = hooked.length > 0 ? loop() : Promise.resolve();
  return {
    async stop() {
      ac.abort();
      await running;
    },
  };
}
