import { describe, expect, it } from 'vitest';
import type { Event } from '@aime/protocol';
import { declaredEffects, sideEffectLedger } from '../src/views/index.ts';

const ev = (id: string, tool: string, effects: unknown[]): Event =>
  ({ id, missionId: 'm', ts: `2026-01-01T00:00:0${id.slice(0, 1)}.000Z`, v: 1, type: 'effect.recorded', taskId: 't', actorId: 'a', data: { tool, step: 0, effects } }) as Event;

describe('sideEffectLedger', () => {
  it('lists each effect once, in order, with totals per currency', () => {
    const events = [
      ev('1-0', 'book_train', [{ kind: 'booking', reference: 'TR-1', amount: 27_000, currency: 'JPY' }]),
      ev('2-0', 'book_train', [{ kind: 'booking', reference: 'TR-1', amount: 27_000, currency: 'JPY' }]),
      ev('3-0', 'book_flight', [{ kind: 'booking', reference: 'FL-1', amountMinor: 3_850_000, currency: 'KRW', at: '2026-01-01T00:00:09.000Z' }]),
      ev('4-0', 'send', [{ kind: 'email', reference: 'msg-1' }]),
    ];
    const l = sideEffectLedger(events);
    expect(l.items.map((i) => [i.tool, i.reference, i.at])).toEqual([
      ['book_train', 'TR-1', '2026-01-01T00:00:01.000Z'],
      ['book_flight', 'FL-1', '2026-01-01T00:00:09.000Z'],
      ['send', 'msg-1', '2026-01-01T00:00:04.000Z'],
    ]);
    expect(l.totals).toEqual([{ currency: 'JPY', amount: 27_000 }, { currency: 'KRW', amount: 38_500 }]);
  });

  it('reads only well-formed declared effects from a tool result', () => {
    expect(declaredEffects({ effects: [{ kind: 'booking', reference: 'X' }, { kind: '' }, 'nope'] })).toEqual([{ kind: 'booking', reference: 'X' }]);
    expect(declaredEffects('text')).toEqual([]);
    expect(declaredEffects({})).toEqual([]);
  });
});
