import { describe, expect, it } from 'vitest';
import { TaskStatus } from '@aime/protocol';
import { canTransition, isTerminalTaskStatus, satisfiesDependency } from '../src/index.ts';

describe('canTransition', () => {
  it('allows exactly the lifecycle edges of a task', () => {
    const allowed = TaskStatus.options.flatMap((from) => TaskStatus.options.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed.sort()).toEqual(
      [
        'pending>ready', 'pending>blocked', 'pending>skipped', 'pending>cancelled',
        'ready>pending', 'ready>running', 'ready>blocked', 'ready>skipped', 'ready>cancelled',
        'running>succeeded', 'running>failed', 'running>blocked', 'running>cancelled',
        'blocked>pending', 'blocked>skipped', 'blocked>cancelled',
        'failed>pending', 'failed>skipped', 'failed>cancelled',
      ].sort(),
    );
  });

  it('never lets a terminal status change', () => {
    for (const from of ['succeeded', 'skipped', 'cancelled'] as const) {
      expect(isTerminalTaskStatus(from)).toBe(true);
      for (const to of TaskStatus.options) expect(canTransition(from, to)).toBe(false);
    }
    expect(isTerminalTaskStatus('failed')).toBe(false);
  });

  it('does not allow staying in the same status or skipping the ready step', () => {
    for (const s of TaskStatus.options) expect(canTransition(s, s)).toBe(false);
    expect(canTransition('pending', 'running')).toBe(false);
  });

  it('counts only succeeded and skipped as a met dependency', () => {
    expect(TaskStatus.options.filter(satisfiesDependency).sort()).toEqual(['skipped', 'succeeded']);
  });
});
