import { expect } from 'vitest';
import type { GraphOperation, Report, Task, TaskGraph } from '@aime/protocol';
import { applyOperations } from '../src/index.ts';
import type { ApplyResult, GraphError, GraphErrorCode } from '../src/index.ts';

export const EMPTY: TaskGraph = { version: 0, tasks: [] };

/** A loosely typed op, so tests can also feed the reducer what a sloppy model writes. */
export type LooseOp = Record<string, unknown> & { op: string };

export function run(graph: TaskGraph, ops: LooseOp[], now?: string): ApplyResult {
  return applyOperations(graph, ops as unknown as GraphOperation[], now !== undefined ? { now } : {});
}

/** Applies ops and fails the test when the batch is refused. */
export function applyOk(graph: TaskGraph, ...ops: LooseOp[]): Extract<ApplyResult, { ok: true }> {
  const r = run(graph, ops);
  if (!r.ok) throw new Error(`batch refused: ${r.errors.map((e) => e.message).join(' | ')}`);
  return r;
}

/** Builds a graph from the empty one with the given ops. */
export function build(...ops: LooseOp[]): TaskGraph {
  return applyOk(EMPTY, ...ops).graph;
}

/** Applies ops, expects the batch to be refused, and returns its errors. */
export function refused(graph: TaskGraph, ...ops: LooseOp[]): GraphError[] {
  const before = structuredClone(graph);
  const r = run(graph, ops);
  if (r.ok) throw new Error('batch was accepted but should have been refused');
  expect(graph).toEqual(before);
  return r.errors;
}

export function codes(errors: readonly GraphError[]): GraphErrorCode[] {
  return errors.map((e) => e.code);
}

export function add(id: string, extra: Record<string, unknown> = {}): LooseOp {
  return { op: 'add', task: { id, title: `Task ${id}`, ...extra } };
}

export function report(id: string, status: Report['status'], summary = `${id} ${status}`, extra: Partial<Report> = {}): LooseOp {
  return { op: 'report', id, report: { status, summary, artifacts: [], references: [], ...extra } };
}

export function byId(graph: TaskGraph, id: string): Task {
  const t = graph.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id}`);
  return t;
}

export function statuses(graph: TaskGraph): Record<string, string> {
  return Object.fromEntries(graph.tasks.map((t) => [t.id, t.status]));
}
