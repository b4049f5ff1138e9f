import { describe, expect, it } from 'vitest';
import type { StepEntry } from '../src/transcript.ts';
import { reportAfterRejections, unresolvedRejections } from '../src/rejection.ts';

function step(n: number, results: Array<[string, string]>): StepEntry {
  return { step: n, ai: { content: '', tool_calls: [] } as unknown as StepEntry['ai'], results: results.map(([name, observation], i) => ({ toolCallId: `c${n}.${i}`, name, observation })) };
}

describe('a rejected tool call', () => {
  it('turns a succeeded report into blocked with the operator’s note', () => {
    const entries = [step(0, [['search_trains', '{"trains":[]}']]), step(1, [['book_train', 'Rejected by operator: too expensive']])];
    const out = reportAfterRejections(entries, { status: 'succeeded', summary: 'Booked the train.', artifacts: [], references: [] });
    expect(out.status).toBe('blocked');
    expect(out.summary).toBe('The operator rejected book_train: too expensive. Booked the train.');
  });

  it('keeps the report when the actor found another way (a later call of the tool went through)', () => {
    const entries = [step(0, [['book_train', 'Rejected by operator: too expensive']]), step(1, [['book_train', '{"reference":"TR-1"}']])];
    expect(unresolvedRejections(entries)).toEqual([]);
    const report = { status: 'succeeded' as const, summary: 'Booked a cheaper train.', artifacts: [], references: [] };
    expect(reportAfterRejections(entries, report)).toBe(report);
  });

  it('keeps a blocked report that already says what the operator rejected', () => {
    const entries = [step(0, [['book_train', 'Rejected by operator: not this one']])];
    const report = { status: 'blocked' as const, summary: 'The booking was rejected by the operator: not this one', artifacts: [], references: [] };
    expect(reportAfterRejections(entries, report)).toEqual(report);
  });
});
