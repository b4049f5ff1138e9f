import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MissionLedger } from '@aime/plugin-travel';
import type { Approval, Event, Mission } from '@aime/protocol';
import { SkipCheck } from './errors.ts';
import { readJsonPath } from './json-path.ts';
import type { Check, JsonPathCheck, SuiteLine } from './suite.ts';

/** The travel world's records of one mission. */
export interface WorldReader {
  /** Bookings (confirmed or cancelled), yen spent and disruptions applied. @throws SkipCheck when the records are out of reach */
  ledger(): Promise<MissionLedger>;
}

/** What a checker module is given. */
export interface CheckContext {
  /** The mission as `GET /v1/missions/:id` returned it at the end. */
  mission: Mission;
  /** Every event of the mission, in order. */
  events: Event[];
  /** The suite line being checked. */
  line: SuiteLine;
  /** The mission's approval requests and how they were decided. */
  approvals: Approval[];
  /** The travel world's records for this mission. */
  world: WorldReader;
}

/** A checker's verdict. */
export interface CheckResult {
  pass: boolean;
  message: string;
}

/** The default export of a checker module. */
export type Checker = (ctx: CheckContext) => Promise<CheckResult> | CheckResult;

/** The verdict over all checks of a line; `skipped` holds the reason when a check could not decide. */
export interface Verdict {
  pass: boolean;
  skipped?: string;
  message: string;
}

const modules = new Map<string, Promise<Checker>>();

/** Loads a checker module once per run, relative to the suite file. */
function loadChecker(spec: string, suitePath: string): Promise<Checker> {
  const path = isAbsolute(spec) ? spec : resolve(dirname(suitePath), spec);
  let loaded = modules.get(path);
  if (!loaded) {
    loaded = import(pathToFileURL(path).href).then((m: { default?: unknown }) => {
      if (typeof m.default !== 'function') throw new Error(`checker ${spec} has no default export function (ctx) => ({ pass, message })`);
      return m.default as Checker;
    });
    modules.set(path, loaded);
  }
  return loaded;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v) : JSON.stringify(v) ?? 'undefined');

function jsonPathCheck(c: JsonPathCheck, mission: Mission): CheckResult {
  const value = readJsonPath(mission, c.path);
  const failures: string[] = [];
  if ('equals' in c && JSON.stringify(value) !== JSON.stringify(c.equals)) failures.push(`is ${show(value)}, expected ${show(c.equals)}`);
  if (c.lte !== undefined && !(typeof value === 'number' && value <= c.lte)) failures.push(`is ${show(value)}, expected ≤ ${c.lte}`);
  if (c.gte !== undefined && !(typeof value === 'number' && value >= c.gte)) failures.push(`is ${show(value)}, expected ≥ ${c.gte}`);
  if (c.matches !== undefined && !(typeof value === 'string' && new RegExp(c.matches, 'i').test(value))) failures.push(`is ${show(value)}, expected to match /${c.matches}/i`);
  return failures.length ? { pass: false, message: `${c.path} ${failures.join(' and ')}` } : { pass: true, message: `${c.path} ok` };
}

/** Runs every check of `check` against the finished mission; a failing check's message comes first. */
export async function runChecks(check: Check, ctx: CheckContext, suitePath: string): Promise<Verdict> {
  const answer = ctx.mission.result?.answer ?? '';
  const results: CheckResult[] = [];
  if (check.status) {
    const ok = ctx.mission.status === check.status;
    results.push({ pass: ok, message: ok ? `status ${check.status}` : `status is ${ctx.mission.status}, expected ${check.status}${ctx.mission.error ? ` (${ctx.mission.error.code}: ${ctx.mission.error.message})` : ''}` });
  }
  if (check.contains) {
    const missing = check.contains.filter((s) => !answer.toLowerCase().includes(s.toLowerCase()));
    results.push({ pass: missing.length === 0, message: missing.length ? `answer lacks ${missing.map((s) => JSON.stringify(s)).join(', ')}` : `answer names ${check.contains.length} expected item(s)` });
  }
  if (check.regex) {
    const ok = new RegExp(check.regex, 'i').test(answer);
    results.push({ pass: ok, message: ok ? `answer matches /${check.regex}/i` : `answer does not match /${check.regex}/i` });
  }
  if (check.jsonPath) results.push(jsonPathCheck(check.jsonPath, ctx.mission));
  if (check.module) {
    try {
      const checker = await loadChecker(check.module, suitePath);
      const r = await checker(ctx);
      results.push({ pass: r.pass === true, message: String(r.message ?? (r.pass ? 'ok' : 'failed')) });
    } catch (err) {
      if (err instanceof SkipCheck) {
        const failed = results.filter((r) => !r.pass);
        // A failure already found stands: a skipped module cannot make the goal pass.
        if (failed.length) return { pass: false, message: failed.map((r) => r.message).join('; ') };
        return { pass: false, skipped: err.message, message: `skipped: ${err.message}` };
      }
      results.push({ pass: false, message: `checker ${check.module} threw: ${(err as Error).message}` });
    }
  }
  const failed = results.filter((r) => !r.pass);
  return { pass: failed.length === 0, message: (failed.length ? failed : results).map((r) => r.message).join('; ') };
}
