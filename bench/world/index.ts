import type { SimWorld } from '@aime/sim';
import { benchWorld } from './world.ts';

export { benchWorld, readTable } from './world.ts';
export { benchPlugin } from './plugin.ts';
export { parseBenchGoal, writeBenchGoal, benchPlan, type BenchSpec } from './goals.ts';

/** For `AIME_SIM_WORLDS=./bench/world/index.ts`. */
export const simWorlds: SimWorld[] = [benchWorld];
