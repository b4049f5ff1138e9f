import { CAPABILITY_WAIT_REASON } from '@aime/protocol';
import { PLANNER_RESPONSE_NAME, type SimAnswer, type SimPolicy, type SimRequest } from '@aime/sim';
import { callPlan, isCallTask, readCalls } from './call-goal.ts';
import { outOfWorldPlan } from './out-of-world.ts';
import { readPlannerView, type News, type PlannerView, type TableTask } from './planner-state.ts';
import { addDays, readTripGoal, soundsLikeTravel, type Budget } from './trip-goal.ts';
import { initialTripPlan, scheduleTrip, searchDescription, task, type Op, type Plan } from './trip-plan.ts';

/**
 * The travel world's planner: plans a trip (flights, Shinkansen, hotels, weather, then the
 * itinerary) or the tool calls a goal names; replans when a booking fails or an outside event
 * sells out what was chosen; finishes when all is done. Any other goal fails at once with an
 * answer that says what the simulated model can do and how to configure a real one.
 * It reads only the prompt the commander sends (goal, task table, news), like a real model.
 */

export { addDays };

/** The reference goal's reading, in the shape callers of the first sim knew (see `readTripGoal` for all). */
export interface TripRequest {
  cities: string[];
  start: string;
  days: number;
  people: number;
  trainDay: number;
}

/** Reads a travel goal: cities in travel order, start date, length, party size, Shinkansen day. */
export function readTrip(goal: string): TripRequest | null {
  const read = readTripGoal(goal);
  const s = read ? scheduleTrip(read) : undefined;
  if (!read || !s?.ok) return null;
  return { cities: s.trip.cities, start: s.trip.start, days: s.trip.days, people: s.trip.people, trainDay: s.trip.shinkansenDay ?? read.shinkansenDay ?? 2 };
}

/** The trip budget of the mission context (`tripBudget: { amount, currency }`), when it has one. */
function contextBudget(context: Record<string, unknown>): Budget | undefined {
  const b = context['tripBudget'];
  if (typeof b !== 'object' || b === null) return undefined;
  const { amount, currency } = b as Record<string, unknown>;
  return typeof amount === 'number' && typeof currency === 'string' && ['JPY', 'KRW', 'USD', 'EUR'].includes(currency) ? { amount, currency: currency as Budget['currency'] } : undefined;
}

/**
 * The first plan: the calls a goal names, else the trip it asks for, else an honest failure
 * (the sim knows nothing beyond the demo world, and says so rather than pretend).
 */
function firstPlan(view: PlannerView): Plan {
  const calls = readCalls(view.goal);
  if (calls.length) return callPlan(calls);
  const goal = readTripGoal(view.goal, view.today ? { today: view.today } : {});
  if (goal) {
    const budget = goal.budget ?? contextBudget(view.context);
    const s = scheduleTrip({ ...goal, ...(budget ? { budget } : {}) });
    return s.ok ? initialTripPlan(s.trip) : outOfWorldPlan(s.reason);
  }
  if (soundsLikeTravel(view.goal)) return outOfWorldPlan('This mission ran on the **simulated model**, which found no city of the offline travel demo in this trip, so it did not pretend to plan it.');
  return outOfWorldPlan();
}

const refIds = (refs: string[], kind: string) => refs.filter((r) => r.startsWith(`${kind}:`)).map((r) => r.slice(kind.length + 1));
const hhmm = (id: string) => /-(\d{2})(\d{2})-/.exec(id);

/** A replacement search + booking for a leg whose chosen train or flight cannot be had. */
function replaceLeg(view: PlannerView, failed: TableTask, soldOut: string[]): { ops: Op[]; note: string } | null {
  const m = /^(?:find|book)-((train|flight)-[a-z0-9]+-[a-z0-9]+)(?:-(\d+))?$/.exec(failed.id);
  if (!m) return null;
  const key = m[1]!;
  const mode = m[2] as 'train' | 'flight';
  const byId = new Map(view.tasks.map((t) => [t.id, t]));
  const family = view.tasks.filter((t) => t.id.startsWith(`find-${key}`));
  const generation = family.length + 1;
  if (generation > 4) return null;
  const search = family.find((t) => t.description.startsWith('Search')) ?? byId.get(`find-${key}`);
  const leg = search ? /from (\w+) to (\w+) on (\d{4}-\d{2}-\d{2}) for (\d+) passengers/.exec(search.description) : null;
  if (!leg) return null;
  const excluded = [...new Set([...soldOut, ...family.flatMap((t) => refIds(t.refs, mode))])];
  const latest = excluded.map(hhmm).filter((x): x is RegExpExecArray => !!x).map((x) => `${x[1]}:${x[2]}`).sort().pop();
  const findId = `find-${key}-${generation}`;
  const bookId = `book-${key}-${generation}`;
  const oldBook = view.tasks.filter((t) => t.id.startsWith(`book-${key}`) && ['pending', 'ready', 'failed', 'blocked'].includes(t.status));
  // A finished group cannot take new subtasks: the replacement then stands at the top level.
  const openParent = (id: string | undefined) => (id && !['succeeded', 'failed', 'skipped', 'cancelled'].includes(byId.get(id)?.status ?? '') ? id : undefined);
  const bookParent = openParent(byId.get(`book-${key}`)?.parentId);
  const searchParent = openParent(search?.parentId);
  const ops: Op[] = [
    task(findId, searchParent, `Find another ${mode} ${leg[1]} → ${leg[2]}`, searchDescription({ from: leg[1]!, to: leg[2]!, date: leg[3]!, mode }, Number(leg[4]), latest, excluded), `A ${mode} other than ${excluded.join(', ') || 'the failed one'} is chosen.`),
    task(bookId, bookParent, `Book the replacement ${mode} ${leg[1]} → ${leg[2]}`, `Book the ${mode} chosen by task ${findId} for ${leg[4]} passengers.`, 'A booking reference for the replacement.', [findId]),
    ...oldBook.map((t) => ({ op: 'skip', id: t.id, reason: `replaced by ${bookId}: ${excluded.join(', ')} cannot be booked` })),
  ];
  if (failed.status === 'failed' && failed.id.startsWith('find-')) ops.push({ op: 'skip', id: failed.id, reason: `replaced by ${findId}` });
  const oldIds = new Set(oldBook.map((t) => t.id));
  for (const t of view.tasks) {
    if (t.dependsOn.some((d) => oldIds.has(d)) && !['running', 'succeeded', 'failed', 'skipped', 'cancelled'].includes(t.status)) {
      ops.push({ op: 'update', id: t.id, patch: { dependsOn: [...t.dependsOn.filter((d) => !oldIds.has(d)), bookId] } });
    }
  }
  return { ops, note: `${excluded.join(', ')} cannot be booked: search again${latest ? ` after ${latest}` : ''} and book the new choice (${findId}, ${bookId}).` };
}

function disruptionTarget(n: News): string | null {
  if (n.kind !== 'external' || !n.data) return null;
  const d = n.data['disruption'] as Record<string, unknown> | undefined;
  const id = d?.['trainId'] ?? d?.['flightId'];
  return typeof id === 'string' ? id : null;
}

function answerFrom(view: PlannerView, finalTaskIds: string[]): string {
  // Calls in a row: each result matters, and the progress list holds every report.
  const calls = view.tasks.filter((t) => isCallTask(t.id));
  if (calls.length > 1 && calls.length === view.tasks.length) {
    // Each call's report is in the progress list; a compacted list falls back to itself.
    const results = view.progress.split('\n').map((l) => /^\s*- summary: (Called .*)$/.exec(l)?.[1]).filter((x): x is string => !!x);
    const list = results.length === calls.length ? results.map((r, i) => `${i + 1}. ${r}`).join('\n') : view.progress;
    return `All ${calls.length} calls ran in order (${calls.map((t) => t.title.replace(/^Call /, '')).join(', then ')}):\n\n${list}`;
  }
  for (const n of view.news) if (n.kind === 'report' && finalTaskIds.includes(n.taskId) && n.status === 'succeeded') return n.summary;
  return `All tasks are done.\n\n${view.progress}`;
}

const REJECTED = /rejected by (?:the )?operator/i;

/**
 * Tasks whose actor reports that an operator rejected its call: a human decision, so the task
 * is given up (not replaced or retried) together with what depends on it.
 */
function giveUpRejected(view: PlannerView): { ids: Set<string>; ops: Op[] } {
  const ids = new Set<string>();
  const ops: Op[] = [];
  for (const n of view.news) {
    if (n.kind !== 'report' || n.status === 'succeeded' || !REJECTED.test(n.summary)) continue;
    const t = view.tasks.find((x) => x.id === n.taskId);
    if (!t || !['failed', 'blocked'].includes(t.status) || ids.has(t.id)) continue;
    ids.add(t.id);
    ops.push({ op: 'skip', id: t.id, reason: `rejected by the operator: ${n.summary}`.slice(0, 500) });
  }
  const dropped = new Set(ids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of view.tasks) {
      if (dropped.has(t.id) || !['pending', 'ready', 'blocked'].includes(t.status) || !t.dependsOn.some((d) => dropped.has(d))) continue;
      dropped.add(t.id);
      grew = true;
      ops.push({ op: 'skip', id: t.id, reason: `it depends on ${t.dependsOn.filter((d) => dropped.has(d)).join(', ')}, which the operator rejected` });
    }
  }
  return { ids, ops };
}

/** Blocked by the runtime until a live worker serves what it needs: waited for, not replanned. */
const waitsForWorker = (t: TableTask): boolean => t.status === 'blocked' && (t.reason ?? '').startsWith(CAPABILITY_WAIT_REASON);

function replan(view: PlannerView): Plan {
  const rejected = giveUpRejected(view);
  if (rejected.ops.length) {
    return { thought: `The operator rejected ${[...rejected.ids].join(', ')}: give it up with what depends on it, and finish once nothing runs.`, operations: rejected.ops };
  }
  // An itinerary over budget is the honest end of the mission: replanning would not make it cheaper.
  const overBudget = view.news.find((n) => n.kind === 'report' && n.taskId === 'itinerary' && n.status === 'failed' && /over (?:the )?budget/i.test(n.summary));
  if (overBudget?.kind === 'report') {
    return { thought: 'The itinerary is over the budget: report it as the answer.', operations: [{ op: 'finish', status: 'failed', answer: overBudget.summary }] };
  }
  const ops: Op[] = [];
  const notes: string[] = [];
  const handled = new Set<string>();
  const soldOut = view.news.map(disruptionTarget).filter((x): x is string => !!x);
  for (const n of view.news) if (n.kind === 'report' && n.status !== 'succeeded') soldOut.push(...n.references.map((r) => r.split(':')[1] ?? '').filter((x) => /^[A-Z]/.test(x) && /sold out|cancel/i.test(n.summary)));

  // Failed or blocked tasks: replace a leg that cannot be booked, retry others once. A task
  // blocked for want of a live worker is not failing: it resumes when one starts.
  for (const t of view.tasks.filter((x) => x.status === 'failed' || (x.status === 'blocked' && !waitsForWorker(x)))) {
    const r = /^(find|book)-(train|flight)-/.test(t.id) ? replaceLeg(view, t, soldOut) : null;
    if (r) {
      const key = /^(?:find|book)-((?:train|flight)-[a-z0-9]+-[a-z0-9]+)/.exec(t.id)![1]!;
      if (handled.has(key)) continue;
      handled.add(key);
      ops.push(...r.ops);
      notes.push(r.note);
    } else if (t.attempts < 2) {
      ops.push({ op: 'retry', id: t.id });
      notes.push(`retry ${t.id}`);
    } else {
      return { thought: `Task ${t.id} failed ${t.attempts} times; the goal cannot be reached.`, operations: [{ op: 'finish', status: 'failed', answer: `The mission failed: task ${t.id} (${t.title}) failed ${t.attempts} times.` }] };
    }
  }
  // Outside events: a chosen option that sold out before its booking started.
  for (const id of soldOut) {
    for (const search of view.tasks.filter((t) => t.refs.some((r) => r.endsWith(`:${id}`)) && t.id.startsWith('find-'))) {
      const key = /^find-((?:train|flight)-[a-z0-9]+-[a-z0-9]+)/.exec(search.id)?.[1];
      if (!key || handled.has(key)) continue;
      const booking = view.tasks.find((t) => t.dependsOn.includes(search.id));
      if (!booking || !['pending', 'ready'].includes(booking.status)) continue;
      const r = replaceLeg(view, booking, soldOut);
      if (r) {
        handled.add(key);
        ops.push(...r.ops);
        notes.push(r.note);
      }
    }
  }
  if (ops.length) return { thought: `Replanning: ${notes.join(' ')}`, operations: ops };

  const open = view.tasks.filter((t) => ['pending', 'ready', 'running', 'blocked'].includes(t.status));
  if (!open.length && view.tasks.length) {
    const finals = view.tasks.filter((t) => !view.tasks.some((o) => o.dependsOn.includes(t.id)) && !view.tasks.some((c) => c.parentId === t.id)).map((t) => t.id);
    // A final deliverable given up because an operator rejected what it needed is no success
    // (a task skipped because it was replaced is: its replacement carries on). The skip reasons
    // are in the progress list.
    const dropped = view.tasks.filter((t) => finals.includes(t.id) && t.status === 'skipped');
    if (dropped.length && /reason: (?:rejected by the operator|it depends on .*which the operator rejected)/i.test(view.progress)) {
      return { thought: 'Every task is finished, but the operator rejected what the result needed.', operations: [{ op: 'finish', status: 'failed', answer: `The mission could not be completed: the operator rejected a step it needed, so ${dropped.map((t) => `${t.id} (${t.title})`).join(', ')} was given up.\n\n${view.progress}` }] };
    }
    return { thought: 'Every task is finished: report the result.', operations: [{ op: 'finish', status: 'succeeded', answer: answerFrom(view, finals) }] };
  }
  const running = open.filter((t) => t.status === 'running').length;
  const waiting = open.filter(waitsForWorker).map((t) => t.id);
  const events = view.news.filter((n) => n.kind === 'external').map((n) => (n.kind === 'external' ? n.message : ''));
  return {
    thought: `${events.length ? `Noted outside events (${events.join('; ')}); no change to the plan is needed. ` : ''}Waiting for ${running} running task(s)${waiting.length ? ` and for live workers for ${waiting.join(', ')}` : ''}.`,
    operations: [],
  };
}

export function planFor(req: SimRequest): Plan {
  const view = readPlannerView(req);
  if (view.goal.includes('[[sim:invalid-plan]]')) {
    return { thought: 'Dispatch the next task.', operations: [{ op: 'dispatch', id: 'ghost-task' }] };
  }
  if (!view.tasks.length) return firstPlan(view);
  return replan(view);
}

/** The travel planner's answer: the plan as the JSON of `planner_output`. */
export const plannerAnswer = (req: SimRequest): SimAnswer => ({ content: JSON.stringify(planFor(req)) });

/** The travel planner as a policy (for a sim started with explicit `policies`). */
export const plannerPolicy: SimPolicy = {
  name: 'planner',
  matches: (req) => req.response_format?.type === 'json_schema' && req.response_format.json_schema?.name === PLANNER_RESPONSE_NAME,
  answer: plannerAnswer,
};
