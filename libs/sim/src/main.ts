/**
 * Runs the simulated model server standalone: `tsx libs/sim/src/main.ts`.
 * Env: `AIME_SIM_PORT` (default 7401), `AIME_SIM_HOST` (default 127.0.0.1),
 * `AIME_SIM_FAULT_RATE` (0..1, default 0), `AIME_SIM_FAULT_KINDS` (comma list),
 * `AIME_SIM_SEED` (integer), `AIME_SIM_LATENCY_MS`, `AIME_SIM_LOG=1` for request logs,
 * `AIME_SIM_QUIRKS` (comma list of provider quirks for every request, e.g. `fenced,cached_usage;share=0.8`),
 * `AIME_SIM_WORLDS` (comma list of modules exporting `simWorlds`, package names or paths; default
 * `@aime/plugin-travel/sim`, the travel demo).
 */
import { SimError } from './errors.ts';
import type { FaultKind } from './faults.ts';
import { startSimServer } from './server.ts';
import { DEFAULT_WORLD_MODULES, loadWorldModules } from './world-modules.ts';

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new SimError('sim_options', `${name} must be a number, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const kinds = process.env.AIME_SIM_FAULT_KINDS?.split(',').map((s) => s.trim()).filter(Boolean) as FaultKind[] | undefined;
  const quirks = process.env.AIME_SIM_QUIRKS?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const worldModules = process.env.AIME_SIM_WORLDS?.split(',').map((s) => s.trim()).filter(Boolean);
  const worlds = await loadWorldModules(worldModules?.length ? worldModules : DEFAULT_WORLD_MODULES);
  const handle = await startSimServer({
    host: process.env.AIME_SIM_HOST || '127.0.0.1',
    port: num('AIME_SIM_PORT', 7401),
    latencyMs: num('AIME_SIM_LATENCY_MS', 0),
    logger: process.env.AIME_SIM_LOG === '1',
    quirks,
    faults: { rate: num('AIME_SIM_FAULT_RATE', 0), seed: num('AIME_SIM_SEED', 1), ...(kinds && kinds.length > 0 ? { kinds } : {}) },
  });
  console.log(`aime sim (simulated model) listening on ${handle.url}`);
  console.log(`use it with: AIME_SIM_URL=${handle.url}`);
  console.log(`demo worlds: ${worlds.join(', ')}`);
  if (quirks.length > 0) console.log(`provider quirks on every request: ${quirks.join(', ')}`);
  const stop = () => {
    void handle.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  // Configuration and port errors are the user's to fix: a message, not a stack trace.
  const message = err instanceof SimError || (err instanceof Error && 'code' in err) ? err.message : String(err);
  console.error(`aime sim: ${message}`);
  process.exit(1);
});
