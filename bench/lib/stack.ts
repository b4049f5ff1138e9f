import { modelsConfigFromEnv } from '@aime/models';
import { registerWorld, startSimServer, type SimAnswerTiming, type SimServerHandle } from '@aime/sim';
import { startStack, type TestStack } from '../../tests/helpers/stack.ts';
import { benchPlugin, benchWorld } from '../world/index.ts';

export interface BenchStack extends TestStack {
  sim: SimServerHandle;
}

/**
 * The all-in-one stack on a fresh prefix with the bench plugin, and its own sim at zero latency
 * that plays the bench world (registered here, from outside libs/sim) and reports each answer's timing.
 */
export async function startBenchStack(opts: { actorConcurrency?: number; onAnswer?: (t: SimAnswerTiming) => void; env?: Record<string, string> } = {}): Promise<BenchStack> {
  registerWorld(benchWorld);
  const sim = await startSimServer({ port: 0, latencyMs: 0, ...(opts.onAnswer ? { onAnswer: opts.onAnswer } : {}) });
  try {
    // The all-in-one starts a sim of its own unless AIME_SIM_URL names one: this one. The API's
    // per-caller limits (missions in flight, per minute) are lifted: a bench measures the runtime.
    const env: Record<string, string> = { AIME_SIM_URL: sim.url, AIME_MAX_MISSIONS_IN_FLIGHT_PER_CALLER: '100000', AIME_MAX_MISSIONS_PER_MINUTE: '100000', ...opts.env };
    const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const stack = await startStack({ plugins: [benchPlugin], models: modelsConfigFromEnv({ AIME_MODEL: 'sim', AIME_SIM_URL: sim.url }), actorConcurrency: opts.actorConcurrency ?? 8 }).finally(() => {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    return {
      ...stack,
      sim,
      async close() {
        await stack.close();
        await sim.close();
      },
    };
  } catch (err) {
    await sim.close();
    throw err;
  }
}
