import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TaskGraph } from '@aime/protocol';
import { GraphError, readyTasks, renderProgressMarkdown, runningTasks, selectDispatchable, validateGraph } from '../src/index.ts';
import { EMPTY, run } from './helpers.ts';
import type { LooseOp } from './helpers.ts';

const KINDS = [
  ['add', 6], ['update', 3], ['remove', 1], ['skip', 1], ['retry', 2], ['dispatch', 6], ['finish', 1],
  ['assign', 2], ['progress', 2], ['report', 6], ['block', 1], ['unblock', 1], ['cancel', 1],
] as const;

/** Abstract choices; they are turned into operations against the graph they meet, so most make sense. */
const choice = fc.record({
  kind: fc.oneof(...KINDS.map(([k, weight]) => ({ arbitrary: fc.constant(k), weight }))),
  a: fc.nat(),
  b: fc.nat(),
  deps: fc.array(fc.nat(), { maxLength: 3 }),
  flip: fc.boolean(),
  /** Small values make the operation wrong on purpose (see `toOp`). */
  noise: fc.nat({ max: 15 }),
});
type Choice = (typeof choice) extends fc.Arbitrary<infer T> ? T : never;
const script = fc.array(fc.array(choice, { minLength: 1, maxLength: 3 }), { minLength: 5, maxLength: 25 });

function pick(ids: readonly string[], n: number, noise: number): string {
  if (noise === 0 || ids.length === 0) return `ghost-${n % 3}`;
  return ids[n % ids.length] as string;
}

const ELIGIBLE: Record<string, readonly string[]> = {
  update: ['pending', 'ready', 'blocked', 'failed'],
  remove: ['pending', 'ready', 'blocked', 'failed', 'skipped'],
  skip: ['pending', 'ready', 'blocked', 'failed'],
  retry: ['failed', 'blocked'],
  cancel: ['pending', 'ready', 'running', 'blocked', 'failed'],
  block: ['pending', 'ready', 'running'],
  unblock: ['blocked'],
  dispatch: ['ready'],
  assign: ['running'],
  progress: ['running'],
  report: ['running'],
  parent: ['pending', 'ready', 'blocked', 'failed'],
};

/** Turns a choice into an operation; noise 0 names a missing task, noise 3 any task at all. */
function toOp(g: TaskGraph, c: Choice, fresh: () => string): LooseOp {
  const ids = g.tasks.map((t) => t.id);
  const eligible = (kind: string) => (c.noise === 3 ? ids : g.tasks.filter((t) => ELIGIBLE[kind]?.includes(t.status)).map((t) => t.id));
  const candidates = eligible(c.kind);
  const target = pick(candidates, c.a, c.noise);
  // Half the time depend on unfinished work, which is where readiness has to be recomputed.
  const open = g.tasks.filter((t) => !['succeeded', 'skipped', 'cancelled'].includes(t.status)).map((t) => t.id);
  const pool = c.b % 2 === 1 && open.length > 0 ? open : ids;
  const deps = pool.length === 0 && c.noise !== 1 ? [] : c.deps.map((d) => pick(pool, d, c.noise === 1 ? 0 : 5));
  // With nothing to act on, grow the graph instead of writing an operation bound to fail.
  const kind = candidates.length === 0 && c.noise !== 0 && c.kind !== 'finish' ? 'add' : c.kind;
  switch (kind) {
    case 'add': {
      const id = c.noise === 2 && ids.length > 0 ? pick(ids, c.a, 5) : fresh();
      const parent = c.flip && ids.length > 0 ? { parentId: pick(eligible('parent'), c.b, c.noise) } : {};
      return { op: 'add', task: { id, title: `T ${id}`, completionCriteria: c.b % 2 === 0 ? 'criteria' : '', dependsOn: deps, ...parent } };
    }
    case 'update': {
      const others = c.noise === 4 ? deps : deps.filter((d) => d !== target);
      return { op: 'update', id: target, patch: c.flip ? { dependsOn: others } : { title: `edited ${c.b}` } };
    }
    case 'remove':
    case 'retry':
    case 'unblock':
    case 'dispatch':
      return { op: kind, id: target };
    case 'skip':
    case 'cancel':
    case 'block':
      return { op: kind, id: target, reason: `reason ${c.b}` };
    case 'finish':
      return { op: 'finish', status: c.flip ? 'succeeded' : 'failed', answer: 'done' };
    case 'assign':
      return { op: 'assign', id: target, actorId: `actor-${c.b}` };
    case 'progress':
      return { op: 'progress', id: target, progress: { status: 'working', message: `step ${c.b}`, at: 't' } };
    case 'report': {
      const status = (['succeeded', 'succeeded', 'failed', 'blocked'] as const)[c.b % 4];
      return { op: 'report', id: target, report: { status, summary: `report ${c.b}`, artifacts: [], references: c.flip ? ['https://example.com'] : [] } };
    }
  }
}

/** Builds a batch op by op, each against the graph the ops before it would leave, so most batches make sense. */
function toBatch(g: TaskGraph, batch: readonly Choice[], fresh: () => string): LooseOp[] {
  const ops: LooseOp[] = [];
  let shadow = g;
  for (const c of batch) {
    const op = toOp(shadow, c, fresh);
    ops.push(op);
    const r = run(shadow, [op]);
    if (r.ok) shadow = r.graph;
  }
  return ops;
}

/** Plays a script from the empty graph, checking every batch, and returns each graph reached. */
function play(batches: Choice[][], stats: { accepted: number; total: number }): TaskGraph[] {
  let g = EMPTY;
  let n = 0;
  const fresh = () => `t${n++}`;
  const seen: TaskGraph[] = [];
  for (const batch of batches) {
    const ops = toBatch(g, batch, fresh);
    const snapshot = structuredClone(g);
    const r = run(g, ops);
    expect(g).toEqual(snapshot); // the input is never mutated, accepted or not
    stats.total++;
    if (r.ok) {
      stats.accepted++;
      expect(validateGraph(r.graph)).toEqual([]);
      expect(r.graph.version).toBe(g.version);
      g = r.graph;
      seen.push(g);
    } else {
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(e).toBeInstanceOf(GraphError);
    }
  }
  return seen;
}

// Hundreds of random runs: generous time so a busy shared machine does not fail them.
describe('reducer properties', { timeout: 120_000 }, () => {
  it('never produces a graph that breaks an invariant, and a refused batch changes nothing', () => {
    const stats = { accepted: 0, total: 0 };
    fc.assert(fc.property(script, (batches) => void play(batches, stats)), { numRuns: 200 });
    // The generator must exercise accepted batches too, or the property says little.
    expect(stats.accepted / stats.total).toBeGreaterThan(0.25);
  });

  it('selectDispatchable never lets running plus selected exceed maxParallel', () => {
    const stats = { accepted: 0, total: 0 };
    fc.assert(
      fc.property(script, fc.integer({ min: 1, max: 6 }), (batches, maxParallel) => {
        for (const g of play(batches, stats)) {
          const running = runningTasks(g).length;
          const picked = selectDispatchable(g, maxParallel);
          const ready = readyTasks(g).map((t) => t.id);
          expect(picked.length).toBeLessThanOrEqual(Math.max(0, maxParallel - running));
          expect(picked.every((id) => ready.includes(id))).toBe(true);
          expect(picked.length).toBe(Math.min(ready.length, Math.max(0, maxParallel - running)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('renders Markdown within maxChars that still names every running task', () => {
    const stats = { accepted: 0, total: 0 };
    fc.assert(
      fc.property(script, fc.integer({ min: 300, max: 8000 }), fc.integer({ min: 10, max: 300 }), (batches, maxChars, summaryChars) => {
        for (const g of play(batches, stats)) {
          const md = renderProgressMarkdown(g, { maxChars, summaryChars });
          expect(md.length).toBeLessThanOrEqual(maxChars);
          if (maxChars >= 3000) for (const t of runningTasks(g)) expect(md).toContain(`(\`${t.id}\`)`);
          const full = renderProgressMarkdown(g, { maxChars: 1_000_000, summaryChars });
          if (full.length <= maxChars) expect(md).toBe(full);
        }
      }),
      { numRuns: 60 },
    );
  });
});
