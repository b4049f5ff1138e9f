/**
 * The travel demo as a world of the simulated model (`@aime/plugin-travel/sim`): what the sim
 * plays for the planner, the Actor Factory and the actors on travel goals, and on any goal no
 * other world claims (the fallback: it plans "Call `tool` with {json}" goals, and fails any
 * other honestly, saying what the sim can do). Register it with `registerWorld(travelWorld)`
 * or pass it as `startSimServer({ worlds: [travelWorld] })`.
 */
import { registerWorld, type SimPolicy, type SimWorld } from '@aime/sim';
import { actorAnswer, actorPolicy } from './actor/index.ts';
import { factoryAnswer, factoryPolicy } from './factory.ts';
import { plannerAnswer, plannerPolicy } from './planner.ts';

export { plannerPolicy, plannerAnswer, planFor, readTrip, addDays, type TripRequest } from './planner.ts';
export { readPlannerView, type PlannerView, type TableTask, type News } from './planner-state.ts';
export { factoryPolicy, factoryAnswer, chooseActorSpec, type ListedBundle } from './factory.ts';
export { actorPolicy, actorAnswer, UNKNOWN_TOOL_MARKER } from './actor/index.ts';
export { parseIntent, writeIntent, taskIntent, type Intent } from './grammar.ts';
export { readTripGoal, findDates, type TripGoal } from './trip-goal.ts';
export { scheduleTrip, initialTripPlan } from './trip-plan.ts';
export { connection, DEMO_CITIES, DEMO_ROUTES } from './demo-world.ts';

export const TRAVEL_WORLD = 'travel';

/** The travel world: the fallback world, so it also answers goals no other world claims. */
export const travelWorld: SimWorld = {
  name: TRAVEL_WORLD,
  matches: () => true,
  fallback: true,
  summary: 'plan, book and price trips in the offline travel demo (Seoul, Tokyo, Kyoto, Osaka), and call any plugin tool named as "Call `tool_name` with {json}"',
  planner: plannerAnswer,
  factory: factoryAnswer,
  actor: actorAnswer,
};

/** The worlds this module brings, for the sim's `AIME_SIM_WORLDS` loader. */
export const simWorlds: SimWorld[] = [travelWorld];

/** Registers the travel world with the sim (idempotent). */
export function registerTravelWorld(): void {
  registerWorld(travelWorld);
}

/** The travel world's policies in the order the first sim tried them (for a sim given explicit `policies`). */
export const travelPolicies: SimPolicy[] = [plannerPolicy, factoryPolicy, actorPolicy];
