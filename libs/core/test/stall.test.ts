import { describe, expect, it } from 'vitest';
import { detectStall, statusFingerprint } from '../src/index.ts';
import { add, applyOk, build } from './helpers.ts';

const samples = (fps: string[]) => fps.map((f, i) => ({ step: i + 1, graphVersion: i + 1, statusFingerprint: f }));

describe('statusFingerprint', () => {
  it('changes with a status but not with a title edit', () => {
    const g = build(add('a'), add('b'));
    const edited = applyOk(g, { op: 'update', id: 'a', patch: { title: 'Renamed' } }).graph;
    const dispatched = applyOk(g, { op: 'dispatch', id: 'a' }).graph;
    expect(statusFingerprint(edited)).toBe(statusFingerprint(g));
    expect(statusFingerprint(dispatched)).not.toBe(statusFingerprint(g));
  });

  it('changes when a task is added', () => {
    const g = build(add('a'));
    expect(statusFingerprint(applyOk(g, add('b')).graph)).not.toBe(statusFingerprint(g));
  });
});

describe('detectStall', () => {
  it('reports a stall after window steps with no status change', () => {
    const r = detectStall(samples(['x', 'y', 'y', 'y', 'y']), { window: 3 });
    expect(r.stalled).toBe(true);
    expect(r.stalled && r.reason).toContain('last 3 planner steps');
  });

  it('does not report a stall one step earlier', () => {
    expect(detectStall(samples(['x', 'y', 'y', 'y']), { window: 3 })).toEqual({ stalled: false });
  });

  it('does not report a stall when the statuses keep changing', () => {
    expect(detectStall(samples(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']))).toEqual({ stalled: false });
  });

  it('uses a window of 6 by default and orders samples by step', () => {
    expect(detectStall(samples(Array(6).fill('s'))).stalled).toBe(false);
    const seven = samples(Array(7).fill('s')).reverse();
    expect(detectStall(seven).stalled).toBe(true);
    expect(detectStall([...seven.slice(1), { step: 8, graphVersion: 8, statusFingerprint: 'new' }]).stalled).toBe(false);
  });
});
