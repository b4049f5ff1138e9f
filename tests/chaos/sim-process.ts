/**
 * The simulated model server as a process of its own, configured like `libs/sim/src/main.ts`
 * (AIME_SIM_PORT, AIME_SIM_FAULT_RATE, AIME_SIM_FAULT_KINDS, AIME_SIM_SEED, AIME_SIM_LATENCY_MS), that also prints
 * its fault counts on stdout every 250 ms (`stats <json>`): the sim's CLI does not expose them,
 * and the chaos suite reports how many faults it injected. The last line printed before a
 * SIGKILL lags the truth by at most one interval.
 */
import { travelWorld } from '@aime/plugin-travel/sim';
import { startSimServer, type FaultKind } from '@aime/sim';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw === undefined || raw.trim() === '' ? fallback : Number(raw);
};
const kinds = (process.env.AIME_SIM_FAULT_KINDS ?? '').split(',').map((s) => s.trim()).filter(Boolean) as FaultKind[];

const sim = await startSimServer({
  port: num('AIME_SIM_PORT', 0),
  worlds: [travelWorld],
  latencyMs: num('AIME_SIM_LATENCY_MS', 0),
  faults: { rate: num('AIME_SIM_FAULT_RATE', 0), seed: num('AIME_SIM_SEED', 1), ...(kinds.length > 0 ? { kinds } : {}) },
});
process.stdout.write(`listening ${sim.url}\n`);
setInterval(() => {
  const { requests, faults } = sim.stats();
  process.stdout.write(`stats ${JSON.stringify({ requests, faults })}\n`);
}, 250);
process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
