import { PluginError } from './errors.ts';
import type { PluginKeys } from './types.ts';

const GLOB = /[*?[\]\\]/g;

/** The key namespace of plugin `name` under the runtime's `prefix`: `<prefix>plugin:<name>:`. */
export function pluginKeys(prefix: string, name: string): PluginKeys {
  const start = `${prefix}plugin:${name}:`;
  return {
    prefix: start,
    key: (...parts) => `${start}${parts.join(':')}`,
    missionKey: (missionId, ...parts) => `${start}{${missionId}}:${parts.join(':')}`,
    missionPattern: (missionId) => `${start.replace(GLOB, '\\$&')}{${missionId.replace(GLOB, '\\$&')}}:*`,
    ownedSet: (missionId) => `${prefix}{${missionId}}:owned`,
  };
}

/**
 * Keys whose namespace is known only later (a factory's plugin is named by what it returns):
 * usable inside tools and hooks, refused in the factory's own body before it returned.
 */
export function lateKeys(prefix: string): { keys: PluginKeys; bind(name: string): void } {
  let bound: PluginKeys | undefined;
  const keys = (): PluginKeys => {
    if (bound) return bound;
    throw new PluginError('keys_not_ready', "ctx.keys is named after the plugin the factory returns: use it in tools and hooks, not in the factory's body before it returns");
  };
  return {
    keys: {
      get prefix() {
        return keys().prefix;
      },
      key: (...parts) => keys().key(...parts),
      missionKey: (missionId, ...parts) => keys().missionKey(missionId, ...parts),
      missionPattern: (missionId) => keys().missionPattern(missionId),
      ownedSet: (missionId) => `${prefix}{${missionId}}:owned`,
    },
    bind(name) {
      bound = pluginKeys(prefix, name);
    },
  };
}
