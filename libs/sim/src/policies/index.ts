import type { SimPolicy } from '../policy.ts';
export type { SimAnswer, SimMessage, SimPolicy, SimRequest } from '../policy.ts';
import { actorPolicy } from './actor.ts';
import { factoryPolicy } from './factory.ts';
import { plannerPolicy } from './planner.ts';

export { plannerPolicy, planFor, readTrip, addDays } from './planner.ts';
export { readPlannerView, type PlannerView, type TableTask } from './planner-state.ts';
export { factoryPolicy } from './factory.ts';
export { actorPolicy } from './actor.ts';

/** The demo world's policies, tried in order; the first that matches answers. */
export const defaultPolicies: SimPolicy[] = [plannerPolicy, factoryPolicy, actorPolicy];
