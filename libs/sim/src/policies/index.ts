import type { SimPolicy } from '../policy.ts';
import { plannerPolicy } from './planner.ts';

/** The demo world's policies, tried in order; the first that matches answers. */
export const defaultPolicies: SimPolicy[] = [plannerPolicy];
