import { describe, it, expect } from 'vitest';
import { MissionStatus } from '@aime/protocol';
import { missionControls, needsApprovalsRefresh, needsSnapshotRefresh } from '../src/lib/controls.ts';

describe('missionControls', () => {
  it('allows resume only when paused', () => {
    for (const s of MissionStatus.options) {
      expect(missionControls(s).resume.enabled, s).toBe(s === 'paused');
    }
  });

  it('allows nothing once the mission has finished, and says why', () => {
    for (const s of ['succeeded', 'failed', 'cancelled'] as const) {
      const c = missionControls(s);
      for (const k of ['pause', 'resume', 'cancel', 'inject'] as const) {
        expect(c[k].enabled).toBe(false);
        expect(c[k].reason).toContain(s);
      }
    }
  });

  it('allows pause, cancel and inject on a live mission but not pausing twice', () => {
    const running = missionControls('running');
    expect([running.pause.enabled, running.cancel.enabled, running.inject.enabled]).toEqual([true, true, true]);
    expect(running.resume.reason).toMatch(/paused/);
    const paused = missionControls('paused');
    expect(paused.pause.enabled).toBe(false);
    expect(paused.pause.reason).toMatch(/already paused/);
    expect(paused.cancel.enabled).toBe(true);
  });
});

describe('refresh triggers', () => {
  it('refetches the snapshot after plan, task, report and mission events only', () => {
    const yes = ['plan.updated', 'task.dispatched', 'task.updated', 'actor.reported', 'mission.status', 'mission.finished'];
    const no = ['actor.step', 'actor.progress', 'usage', 'world.event', 'actor.spawned', 'plan.rejected'];
    expect(yes.filter(needsSnapshotRefresh)).toEqual(yes);
    expect(no.filter(needsSnapshotRefresh)).toEqual([]);
  });

  it('refetches approvals after approval events', () => {
    expect(needsApprovalsRefresh('approval.requested')).toBe(true);
    expect(needsApprovalsRefresh('actor.step')).toBe(false);
  });
});
