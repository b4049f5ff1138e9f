import { SimOptionsError } from './errors.ts';
import { REAL_MODEL_HELP } from './real-model-help.ts';
import { goalOf, roleOf, SIM_ROLES, type SimRole } from './roles.ts';
import type { SimAnswer, SimPolicy, SimRequest } from './policy.ts';

/** How a world answers one role's request. Pure: the answer depends on the request alone. */
export type SimRoleAnswer = (req: SimRequest) => SimAnswer;

/**
 * A demo world of the simulated model: what it plays for the runtime's planner, Actor Factory
 * and actors when a mission's goal is one of its goals. Worlds live with their plugins (the
 * travel demo in `@aime/plugin-travel/sim`) and are handed to the sim by `registerWorld` or the
 * `worlds` option of `startSimServer`; the sim itself knows none.
 */
export interface SimWorld {
  /** Unique among the worlds of one sim; also how `registerWorld` replaces a world. */
  name: string;
  /** Whether this world serves a mission with this goal (the goal text the prompts carry; '' when a request carries none). */
  matches(goal: string): boolean;
  /**
   * A world that also takes goals no other world claims (it then says honestly what it cannot
   * do): tried after every world that is not a fallback. @default false
   */
  fallback?: boolean;
  /** One line for the answer to a goal no world serves: what this world can do. */
  summary?: string;
  planner?: SimRoleAnswer;
  factory?: SimRoleAnswer;
  actor?: SimRoleAnswer;
}

const registry: SimWorld[] = [];

/** @throws SimOptionsError when a world lacks a name or matches(), or a role answer is not a function. */
export function validateWorld(world: SimWorld): void {
  if (typeof world?.name !== 'string' || world.name.length === 0) throw new SimOptionsError('a sim world needs a non-empty name');
  if (typeof world.matches !== 'function') throw new SimOptionsError(`sim world '${world.name}' needs matches(goal)`);
  for (const role of SIM_ROLES) {
    if (world[role] !== undefined && typeof world[role] !== 'function') throw new SimOptionsError(`sim world '${world.name}': ${role} must be a function of the request`);
  }
}

/**
 * Adds a world to the process-wide registry that every sim started without a `worlds` option
 * reads at each request. A world of the same name is replaced in place (registering twice is harmless).
 * @throws SimOptionsError when the world lacks a name or matches().
 */
export function registerWorld(world: SimWorld): void {
  validateWorld(world);
  const at = registry.findIndex((w) => w.name === world.name);
  if (at >= 0) registry[at] = world;
  else registry.push(world);
}

/** Removes a registered world; true when there was one of that name. */
export function unregisterWorld(name: string): boolean {
  const at = registry.findIndex((w) => w.name === name);
  if (at < 0) return false;
  registry.splice(at, 1);
  return true;
}

/** The registered worlds, in registration order. */
export function registeredWorlds(): readonly SimWorld[] {
  return [...registry];
}

/** The world that answers `role` for `goal`: the first that claims it, else the first fallback that does. */
export function chooseWorld(worlds: readonly SimWorld[], goal: string, role: SimRole): SimWorld | undefined {
  const able = worlds.filter((w) => w[role] !== undefined && w.matches(goal));
  return able.find((w) => !w.fallback) ?? able[0];
}

/** The planner's answer to a goal no world serves: the mission fails at once, saying what the sim can do. */
export function noWorldPlan(goal: string, worlds: readonly SimWorld[]): SimAnswer {
  const can = worlds.map((w) => w.summary).filter((s): s is string => !!s);
  const answer = [
    `This mission ran on the **simulated model**, which has no demo world for this goal${goal ? '' : ' (the request named no goal)'}, so it did not pretend to work on it.`,
    '',
    can.length ? `**What the simulated model can do:**\n\n${can.map((s) => `- ${s}`).join('\n')}` : '**No demo world is registered with this simulated model.**',
    '',
    REAL_MODEL_HELP,
  ].join('\n');
  return { content: JSON.stringify({ thought: 'No demo world serves this goal: finish at once as failed.', operations: [{ op: 'finish', status: 'failed', answer }] }) };
}

/**
 * One policy per role that answers with the world the request's goal belongs to. `worlds` is
 * read at each request, so worlds registered after the server started take part. A planner
 * request no world serves gets {@link noWorldPlan}; other roles then fall through to the
 * next policy (in the end the fallback).
 */
export function worldPolicies(worlds: () => readonly SimWorld[]): SimPolicy[] {
  return SIM_ROLES.map((role) => {
    let picked: { req: SimRequest; world: SimWorld | undefined } | undefined;
    const pick = (req: SimRequest): SimWorld | undefined => {
      if (picked?.req !== req) picked = { req, world: chooseWorld(worlds(), goalOf(req), role) };
      return picked.world;
    };
    return {
      name: role,
      matches: (req) => roleOf(req) === role && (role === 'planner' || pick(req) !== undefined),
      answer(req) {
        const world = pick(req);
        const answer = world?.[role];
        return answer ? answer(req) : noWorldPlan(goalOf(req), worlds());
      },
    };
  });
}
