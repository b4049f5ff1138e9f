import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ACTIVE_MISSION_STATUSES,
  errorMessage,
  FINISHED_TASK_STATUSES,
  formatIssuePath,
  formatIssues,
  isActiveMissionStatus,
  isFinishedTaskStatus,
  isOpenTaskStatus,
  isTerminalMissionStatus,
  isTerminalTaskStatus,
  MissionStatus,
  OPEN_MISSION_STATUSES,
  OPEN_TASK_STATUSES,
  TaskStatus,
  TERMINAL_MISSION_STATUSES,
  TERMINAL_TASK_STATUSES,
} from '../src/index.ts';

describe('mission status predicates', () => {
  it('splits every mission status into open or terminal, never both', () => {
    for (const s of MissionStatus.options) expect(isTerminalMissionStatus(s)).toBe(!OPEN_MISSION_STATUSES.includes(s));
    expect([...OPEN_MISSION_STATUSES, ...TERMINAL_MISSION_STATUSES].sort()).toEqual([...MissionStatus.options].sort());
  });

  it('calls a mission active when it is open and not paused, awaiting approval included', () => {
    expect(MissionStatus.options.filter(isActiveMissionStatus)).toEqual(['queued', 'planning', 'running', 'awaiting_approval']);
    expect(isActiveMissionStatus('paused')).toBe(false);
    for (const s of ACTIVE_MISSION_STATUSES) expect(isTerminalMissionStatus(s)).toBe(false);
  });
});

describe('task status predicates', () => {
  it('keeps failed out of the terminal statuses (a retry may follow) but counts it finished', () => {
    expect(TaskStatus.options.filter(isTerminalTaskStatus)).toEqual(['succeeded', 'cancelled', 'skipped']);
    expect(isTerminalTaskStatus('failed')).toBe(false);
    expect(isFinishedTaskStatus('failed')).toBe(true);
    for (const s of TERMINAL_TASK_STATUSES) expect(isFinishedTaskStatus(s)).toBe(true);
  });

  it('splits every task status into open or finished, never both', () => {
    for (const s of TaskStatus.options) expect(isOpenTaskStatus(s)).toBe(!isFinishedTaskStatus(s));
    expect([...OPEN_TASK_STATUSES, ...FINISHED_TASK_STATUSES].sort()).toEqual([...TaskStatus.options].sort());
  });
});

describe('errorMessage', () => {
  it("gives an Error's message and any other thrown value as a string", () => {
    expect(errorMessage(new TypeError('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('formatIssues', () => {
  const Schema = z.object({ name: z.string(), rooms: z.array(z.object({ nights: z.number().int().positive() })) });
  const issues = (v: unknown) => {
    const r = Schema.safeParse(v);
    if (r.success) throw new Error('expected issues');
    return r.error.issues;
  };

  it('writes paths with dots for keys and brackets for indexes', () => {
    expect(formatIssuePath(['rooms', 0, 'nights'])).toBe('rooms[0].nights');
    expect(formatIssuePath([])).toBe('(input)');
    expect(formatIssuePath([], '(config)')).toBe('(config)');
  });

  it('lists one issue a line, each led by its path', () => {
    expect(formatIssues(issues({ name: 1, rooms: [{ nights: 0 }] }))).toBe(
      '- name: Invalid input: expected string, received number\n- rooms[0].nights: Too small: expected number to be >0',
    );
  });

  it('joins issues on one line in the inline style and names the root as asked', () => {
    expect(formatIssues(issues({ name: 'a', rooms: [{ nights: 1.5 }] }), { style: 'inline' })).toBe('rooms[0].nights: Invalid input: expected int, received number');
    expect(formatIssues(issues(null), { style: 'inline', root: '(line)' })).toBe('(line): Invalid input: expected object, received null');
    expect(formatIssues([])).toBe('');
  });
});
