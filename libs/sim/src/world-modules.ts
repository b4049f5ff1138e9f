import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '@aime/protocol';
import { SimOptionsError } from './errors.ts';
import { registerWorld, type SimWorld } from './world.ts';

/**
 * The world modules the standalone sim loads when `AIME_SIM_WORLDS` is unset: the travel demo.
 * Named, not imported: the sim depends on no world (a world depends on the sim's interface).
 */
export const DEFAULT_WORLD_MODULES = ['@aime/plugin-travel/sim'] as const;

const isWorld = (v: unknown): v is SimWorld => typeof v === 'object' && v !== null && typeof (v as SimWorld).name === 'string' && typeof (v as SimWorld).matches === 'function';

/**
 * Imports each module (a package specifier, or a file path relative to `cwd`) and registers the
 * worlds it exports as `simWorlds` (an array) or `simWorld`. Returns the names registered.
 * @throws SimOptionsError naming the module that cannot be loaded or exports no world.
 */
export async function loadWorldModules(specs: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const names: string[] = [];
  for (const spec of specs) {
    const target = spec.startsWith('.') || isAbsolute(spec) ? pathToFileURL(resolve(cwd, spec)).href : spec;
    let mod: { simWorlds?: unknown; simWorld?: unknown };
    try {
      mod = (await import(target)) as typeof mod;
    } catch (err) {
      throw new SimOptionsError(`cannot load the sim world module '${spec}': ${errorMessage(err)}`);
    }
    const worlds = Array.isArray(mod.simWorlds) ? (mod.simWorlds as unknown[]) : mod.simWorld !== undefined ? [mod.simWorld] : [];
    if (worlds.length === 0 || !worlds.every(isWorld)) throw new SimOptionsError(`the module '${spec}' exports no sim world (expected simWorlds: SimWorld[] or simWorld: SimWorld)`);
    for (const w of worlds) {
      registerWorld(w);
      names.push(w.name);
    }
  }
  return names;
}
