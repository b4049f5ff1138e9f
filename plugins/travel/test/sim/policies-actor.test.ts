import { describe, expect, it } from 'vitest';
import { actorPolicy, parseIntent } from '../../src/sim/index.ts';
import type { SimAnswer, SimMessage, SimRequest } from '@aime/sim';

const TOOLS = ['search_trains', 'book_train', 'search_flights', 'book_flight', 'search_hotels', 'book_hotel', 'get_weather', 'convert_currency', 'get_bookings', 'update_progress', 'submit_report'];

function system(description: string, knowledge = '(none)', goal = 'Plan a Seoul to Kyoto trip for 2 under ¥300,000.', title = 'The task'): string {
  return [
    'You are Rail Booking Specialist, Finds and books train seats.',
    '',
    '## Mission goal',
    goal,
    '',
    '## Your task',
    'id: t9',
    `title: ${title}`,
    `description: ${description}`,
    'completion criteria: a report',
    '',
    '## Knowledge',
    knowledge,
    '',
    '## Output format',
    'When done or stuck, call submit_report with references like `train:<id>`.',
  ].join('\n');
}

type Step = { calls: Array<{ name: string; args: unknown }>; results: string[] };

function request(sys: string, steps: Step[] = [], tools = TOOLS): SimRequest {
  const messages: SimMessage[] = [
    { role: 'system', content: sys },
    { role: 'user', content: 'Begin.' },
  ];
  let n = 0;
  for (const s of steps) {
    const ids = s.calls.map(() => `call_${++n}`);
    messages.push({
      role: 'assistant',
      content: '',
      tool_calls: s.calls.map((c, i) => ({ id: ids[i]!, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })),
    });
    s.results.forEach((r, i) => messages.push({ role: 'tool', content: r, tool_call_id: ids[i]! }));
  }
  return { model: 'sim', messages, tools: tools.map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } })) };
}

/** Feeds the answer back as the next step with the given results. */
function then(prev: Step[], answer: SimAnswer, results: string[]): Step[] {
  const calls = (answer.toolCalls ?? []).map((c) => ({ name: c.name, args: c.arguments }));
  return [...prev, { calls, results }];
}

const names = (a: SimAnswer): string[] => (a.toolCalls ?? []).map((c) => c.name);
const reportOf = (a: SimAnswer): { status: string; summary: string; references: string[]; artifacts?: Array<{ name: string; content: string; mimeType: string }> } => {
  const c = (a.toolCalls ?? []).find((x) => x.name === 'submit_report');
  if (!c) throw new Error(`no submit_report in ${JSON.stringify(a)}`);
  return c.arguments as ReturnType<typeof reportOf>;
};
const argsOf = (a: SimAnswer, name: string): Record<string, unknown> => (a.toolCalls ?? []).find((c) => c.name === name)?.arguments as Record<string, unknown>;

const TRAINS = JSON.stringify({
  trains: [
    { id: 'KODAMA-0800-2026-12-02', name: 'Kodama', departure: '08:00', arrival: '11:40', priceJpy: 13000, seatsAvailable: 40, soldOut: false },
    { id: 'NOZOMI-0900-2026-12-02', name: 'Nozomi', departure: '09:00', arrival: '11:15', priceJpy: 14170, seatsAvailable: 0, soldOut: true },
    { id: 'HIKARI-0930-2026-12-02', name: 'Hikari', departure: '09:30', arrival: '12:10', priceJpy: 13500, seatsAvailable: 12, soldOut: false },
    { id: 'NOZOMI-1000-2026-12-02', name: 'Nozomi', departure: '10:00', arrival: '12:15', priceJpy: 14170, seatsAvailable: 1, soldOut: false },
    { id: 'NOZOMI-1100-2026-12-02', name: 'Nozomi', departure: '11:00', arrival: '13:15', priceJpy: 14170, seatsAvailable: 30, soldOut: false },
  ],
});

describe('actorPolicy', () => {
  it('matches requests whose tools include submit_report', () => {
    expect(actorPolicy.matches(request(system('x')))).toBe(true);
    expect(actorPolicy.matches(request(system('x'), [], ['search_trains']))).toBe(false);
  });

  it('parses the planner task forms', () => {
    expect(parseIntent('Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, departing after 09:00, excluding NOZOMI-0900-2026-12-02, NOZOMI-1000-2026-12-02.')).toEqual({
      kind: 'search-trains', from: 'Tokyo', to: 'Kyoto', date: '2026-12-02', passengers: 2, after: '09:00', exclude: ['NOZOMI-0900-2026-12-02', 'NOZOMI-1000-2026-12-02'],
    });
    expect(parseIntent('Check the weather in Tokyo on 2026-12-01 and Kyoto on 2026-12-03.')).toEqual({
      kind: 'weather', places: [{ city: 'Tokyo', date: '2026-12-01' }, { city: 'Kyoto', date: '2026-12-03' }],
    });
    expect(parseIntent('Book the hotel chosen by task find-hotel from 2026-12-02 to 2026-12-04, 1 room.')).toMatchObject({
      kind: 'book', what: 'hotel', fromTask: 'find-hotel', checkIn: '2026-12-02', checkOut: '2026-12-04', rooms: 1,
    });
    expect(parseIntent('book the flight chosen by task t1 for 2 passengers.')).toMatchObject({ kind: 'book', what: 'flight', fromTask: 't1', passengers: 2 });
    expect(parseIntent('Write a poem.')).toEqual({ kind: 'generic' });
  });

  it('searches trains with a progress update first, then reports the first available Nozomi', () => {
    const sys = system('Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.');
    const first = actorPolicy.answer(request(sys));
    expect(names(first)).toEqual(['update_progress', 'search_trains']);
    expect(argsOf(first, 'search_trains')).toEqual({ from: 'Tokyo', to: 'Kyoto', date: '2026-12-02' });
    const second = actorPolicy.answer(request(sys, then([], first, ['{"ok":true}', TRAINS])));
    expect(names(second)).toEqual(['submit_report']);
    const r = reportOf(second);
    expect(r.status).toBe('succeeded');
    // The 09:00 is sold out and the 10:00 has one seat for two passengers.
    expect(r.references).toEqual(['train:NOZOMI-1100-2026-12-02']);
    expect(r.summary).toContain('NOZOMI-1100-2026-12-02');
  });

  it('passes `after` and honours exclusions, falling back to a Hikari', () => {
    const sys = system('Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers, departing after 09:00, excluding NOZOMI-1100-2026-12-02.');
    const first = actorPolicy.answer(request(sys));
    expect(argsOf(first, 'search_trains')).toEqual({ from: 'Tokyo', to: 'Kyoto', date: '2026-12-02', after: '09:00' });
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', TRAINS]))));
    expect(r.references).toEqual(['train:HIKARI-0930-2026-12-02']);
  });

  it('reports failure when no Shinkansen has seats', () => {
    const sys = system('Search trains from Tokyo to Kyoto on 2026-12-02 for 50 passengers.');
    const first = actorPolicy.answer(request(sys));
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', TRAINS]))));
    expect(r.status).toBe('failed');
    expect(r.summary).toMatch(/No Nozomi or Hikari/);
  });

  it('chooses the cheapest flight with enough seats', () => {
    const sys = system('Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers.');
    const first = actorPolicy.answer(request(sys));
    expect(names(first)).toEqual(['update_progress', 'search_flights']);
    const flights = JSON.stringify([
      { id: 'KE701', airline: 'Korean Air', departure: '08:00', arrival: '10:20', priceJpy: 30000, seatsAvailable: 1 },
      { id: 'OZ102', airline: 'Asiana', departure: '09:00', arrival: '11:20', priceJpy: 32000, seatsAvailable: 9 },
      { id: 'KE703', airline: 'Korean Air', departure: '12:00', arrival: '14:20', priceJpy: 35000, seatsAvailable: 9 },
    ]);
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', flights]))));
    expect(r).toMatchObject({ status: 'succeeded', references: ['flight:OZ102'] });
    expect(r.summary).toContain('¥32,000');
  });

  it('chooses the cheapest available hotel', () => {
    const sys = system('Search hotels in Kyoto from 2026-12-02 to 2026-12-04 for 2 guests.');
    const first = actorPolicy.answer(request(sys));
    expect(argsOf(first, 'search_hotels')).toEqual({ city: 'Kyoto', checkIn: '2026-12-02', checkOut: '2026-12-04' });
    const hotels = JSON.stringify({ hotels: [{ id: 'H1', name: 'Ryokan', pricePerNightJpy: 9000, roomsAvailable: 0 }, { id: 'H2', name: 'Inn', pricePerNightJpy: 12000, roomsAvailable: 3 }] });
    expect(reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', hotels])))).references).toEqual(['hotel:H2']);
  });

  it('checks the weather for every city and date, then summarises', () => {
    const sys = system('Check the weather in Tokyo on 2026-12-01 and Kyoto on 2026-12-03.');
    const first = actorPolicy.answer(request(sys));
    expect(names(first)).toEqual(['update_progress', 'get_weather', 'get_weather']);
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', '{"condition":"sunny","highC":12,"lowC":4}', '{"condition":"rain","highC":9,"lowC":3}']))));
    expect(r.status).toBe('succeeded');
    expect(r.summary).toMatch(/Tokyo on 2026-12-01: sunny.*Kyoto on 2026-12-03: rain/);
  });

  it('books the train named in the dependency report and references the booking', () => {
    const knowledge = '### Reports of the tasks this task depends on\n#### Task `t2` (search trains): succeeded\nSummary: chose it\nReferences: train:NOZOMI-0900-2026-12-02\n#### Task `t3` (other): succeeded\nReferences: train:HIKARI-0930-2026-12-02';
    const sys = system('Book the train chosen by task t2 for 2 passengers.', knowledge);
    const first = actorPolicy.answer(request(sys));
    expect(argsOf(first, 'book_train')).toEqual({ trainId: 'NOZOMI-0900-2026-12-02', passengers: 2 });
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', '{"bookingRef":"BK-42","totalJpy":28340}']))));
    expect(r).toMatchObject({ status: 'succeeded', references: ['booking:BK-42', 'train:NOZOMI-0900-2026-12-02'] });
  });

  it('reports a sold-out booking as a failure quoting the error', () => {
    const knowledge = '#### Task `t2` (search trains): succeeded\nReferences: train:NOZOMI-0900-2026-12-02';
    const sys = system('Book the train chosen by task t2 for 2 passengers.', knowledge);
    const first = actorPolicy.answer(request(sys));
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', 'Error: sold_out: NOZOMI-0900-2026-12-02 is sold out.']))));
    expect(r.status).toBe('failed');
    expect(r.summary).toBe('Could not book NOZOMI-0900-2026-12-02: NOZOMI-0900-2026-12-02 is sold out. A later train is needed.');
    expect(r.references).toEqual(['train:NOZOMI-0900-2026-12-02']);
  });

  it('reports an operator-rejected booking as blocked, quoting the note, without retrying it', () => {
    const knowledge = '#### Task `t2` (search trains): succeeded\nReferences: train:NOZOMI-0900-2026-12-02';
    const sys = system('Book the train chosen by task t2 for 2 passengers.', knowledge);
    const first = actorPolicy.answer(request(sys));
    const answer = actorPolicy.answer(request(sys, then([], first, ['{}', 'Rejected by operator: over budget'])));
    expect(names(answer)).toEqual(['submit_report']);
    expect(reportOf(answer)).toEqual({
      status: 'blocked',
      summary: 'The booking of train NOZOMI-0900-2026-12-02 was rejected by the operator: over budget. It was not booked.',
      references: ['train:NOZOMI-0900-2026-12-02'],
    });
  });

  it('assembles a day-by-day itinerary with total and remaining budget as an artifact', () => {
    const sys = system('Assemble the final itinerary from all bookings, with the total cost in JPY.');
    const first = actorPolicy.answer(request(sys));
    expect(names(first)).toEqual(['update_progress', 'get_bookings']);
    const bookings = JSON.stringify({
      bookings: [
        { bookingRef: 'BK-2', kind: 'train', itemId: 'NOZOMI-1100-2026-12-02', date: '2026-12-02', from: 'Tokyo', to: 'Kyoto', totalJpy: 28340 },
        { bookingRef: 'BK-1', kind: 'flight', itemId: 'OZ102', date: '2026-12-01', from: 'Seoul', to: 'Tokyo', totalJpy: 64000 },
        { bookingRef: 'BK-0', kind: 'train', itemId: 'NOZOMI-0900-2026-12-02', date: '2026-12-02', totalJpy: 1, status: 'cancelled' },
      ],
    });
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', bookings]))));
    expect(r.status).toBe('succeeded');
    expect(r.summary.indexOf('## 2026-12-01')).toBeLessThan(r.summary.indexOf('## 2026-12-02'));
    expect(r.summary).toContain('**Total:** ¥92,340');
    expect(r.summary).toContain('**remaining:** ¥207,660');
    expect(r.summary).not.toContain('BK-0');
    expect(r.references).toEqual(['booking:BK-1', 'booking:BK-2']);
    expect(r.artifacts).toEqual([{ name: 'itinerary.md', content: r.summary, mimeType: 'text/markdown' }]);
  });

  it('reports a task it cannot read as failed, saying nothing was done, never as a placeholder success', () => {
    const sys = system('Write a haiku about trains at dawn.');
    const first = actorPolicy.answer(request(sys));
    expect(names(first)).toEqual(['update_progress']);
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}']))));
    expect(r.status).toBe('failed');
    expect(r.summary).toMatch(/simulated model cannot do the task .*Nothing was done/);
  });

  it('calls a missing tool once under the unknown-tool marker, then carries on', () => {
    const sys = system('Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers. [[sim:unknown-tool-once]]');
    const first = actorPolicy.answer(request(sys));
    expect(names(first)).toEqual(['update_progress', 'lookup_everything']);
    const second = actorPolicy.answer(request(sys, then([], first, ['{}', 'Error: unknown tool "lookup_everything". Available tools: search_flights'])));
    expect(names(second)).toEqual(['search_flights']);
  });

  it('retries a call once after an invalid-arguments error', () => {
    const sys = system('Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers.');
    const first = actorPolicy.answer(request(sys));
    const s1 = then([], first, ['{}', 'Error: invalid_input: Invalid arguments for search_flights']);
    const second = actorPolicy.answer(request(sys, s1));
    expect(names(second)).toEqual(['search_flights']);
    const third = actorPolicy.answer(request(sys, then(s1, second, ['Error: invalid_input: Invalid arguments for search_flights'])));
    expect(reportOf(third).status).toBe('failed');
  });

  it('reports blocked when the needed tool is not given', () => {
    const sys = system('Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers.');
    const r = reportOf(actorPolicy.answer(request(sys, [], ['update_progress', 'submit_report'])));
    expect(r.status).toBe('blocked');
  });

  it('reads the travel plugin result shapes (trainId, service, seatsLeft, Money prices, ledger totals)', () => {
    const sys = system('Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.');
    const first = actorPolicy.answer(request(sys));
    const trains = JSON.stringify({
      from: 'Tokyo', to: 'Kyoto', date: '2026-12-02',
      trains: [
        { trainId: 'NOZOMI-0900-2026-12-02', service: 'Nozomi', departs: '09:00', arrives: '11:15', price: { amount: 14170, currency: 'JPY' }, seatsLeft: 0, soldOut: true },
        { trainId: 'HIKARI-1033-2026-12-02', service: 'Hikari', departs: '10:33', arrives: '13:13', price: { amount: 13850, currency: 'JPY' }, seatsLeft: 16, soldOut: false },
        { trainId: 'NOZOMI-1100-2026-12-02', service: 'Nozomi', departs: '11:00', arrives: '13:15', price: { amount: 14170, currency: 'JPY' }, seatsLeft: 20, soldOut: false },
      ],
    });
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', trains]))));
    expect(r.references).toEqual(['train:NOZOMI-1100-2026-12-02']);
    expect(r.summary).toContain('¥14,170');

    const asm = system('Assemble the final itinerary from all bookings, with the total cost in JPY.');
    const a1 = actorPolicy.answer(request(asm));
    const ledger = JSON.stringify({
      bookings: [
        { bookingRef: 'TRV-2', kind: 'train', itemId: 'NOZOMI-1100-2026-12-02', title: 'Nozomi 11:00 Tokyo → Kyoto', date: '2026-12-02', price: { amount: 14170, currency: 'JPY' }, priceJpy: 28340, quantity: 2, status: 'confirmed' },
        { bookingRef: 'TRV-1', kind: 'flight', itemId: 'KE-703-2026-12-01', title: 'Korean Air KE703 Seoul → Tokyo', date: '2026-12-01', price: { amount: 385000, currency: 'KRW' }, priceJpy: 41580, quantity: 2, status: 'confirmed' },
      ],
      totalJpy: 69920,
      budget: { amount: 300000, currency: 'JPY', amountJpy: 300000, remainingJpy: 230080 },
      notices: [],
    });
    const r2 = reportOf(actorPolicy.answer(request(asm, then([], a1, ['{}', ledger]))));
    expect(r2.summary).toContain('Korean Air KE703 Seoul → Tokyo (KE-703-2026-12-01)');
    expect(r2.summary).toContain('¥41,580');
    expect(r2.summary).toContain('**Total:** ¥69,920');
    expect(r2.summary).toContain('**remaining:** ¥230,080');
  });

  it('takes the first local train with seats when the task asks for any train (no Shinkansen on the line)', () => {
    const sys = system('Search trains from Kyoto to Osaka on 2026-12-04 for 2 passengers, departing after 08:30. Take the first train with enough seats. Report the chosen one as a reference `train:<id>`.');
    const first = actorPolicy.answer(request(sys));
    const locals = JSON.stringify({ trains: [
      { trainId: 'LOCAL-0815-2026-12-04', service: 'JR Special Rapid', departs: '08:15', seatsLeft: 40, price: { amount: 580, currency: 'JPY' } },
      { trainId: 'LOCAL-1015-2026-12-04', service: 'JR Special Rapid', departs: '10:15', seatsLeft: 1, price: { amount: 580, currency: 'JPY' } },
      { trainId: 'LOCAL-1215-2026-12-04', service: 'JR Special Rapid', departs: '12:15', seatsLeft: 40, price: { amount: 580, currency: 'JPY' } },
    ] });
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', locals]))));
    expect(r).toMatchObject({ status: 'succeeded', references: ['train:LOCAL-0815-2026-12-04'] });
  });

  const LEDGER = (totalJpy: number) =>
    JSON.stringify({
      bookings: [{ bookingRef: 'TRV-1', kind: 'hotel', itemId: 'kyoto-station-hotel', title: 'Kyoto Station Hotel', date: '2026-12-03', checkIn: '2026-12-03', checkOut: '2026-12-06', priceJpy: totalJpy, price: { amount: totalJpy, currency: 'JPY' }, status: 'confirmed' }],
      totalJpy,
      notices: [],
    });
  const BUDGET_TASK = 'Assemble the final itinerary from all bookings, with the total cost in JPY. The trip budget is $2,500 (2500 USD): convert it to JPY with the currency tool if needed, compare the total with it, and say plainly if the trip is over budget.';

  it('converts a budget the task states in dollars and checks the total against it', () => {
    const sys = system(BUDGET_TASK, '(none)', 'Tokyo then Kyoto, budget $2,500');
    const first = actorPolicy.answer(request(sys));
    const second = actorPolicy.answer(request(sys, then([], first, ['{}', LEDGER(46_500)])));
    expect(second.toolCalls?.map((c) => [c.name, c.arguments])).toEqual([['convert_currency', { amount: 2500, from: 'USD', to: 'JPY' }]]);
    const steps = then(then([], first, ['{}', LEDGER(46_500)]), second, [JSON.stringify({ amount: 2500, from: 'USD', to: 'JPY', result: 375_000 })]);
    const r = reportOf(actorPolicy.answer(request(sys, steps)));
    expect(r.status).toBe('succeeded');
    expect(r.summary).toContain('**Budget:** ¥375,000 (2,500 USD); **remaining:** ¥328,500');
  });

  it('reports an itinerary over the stated budget as failed, saying by how much', () => {
    const sys = system(BUDGET_TASK.replace('$2,500 (2500 USD)', '¥40,000 (40000 JPY)'));
    const first = actorPolicy.answer(request(sys));
    const r = reportOf(actorPolicy.answer(request(sys, then([], first, ['{}', LEDGER(46_500)]))));
    expect(r.status).toBe('failed');
    expect(r.summary.startsWith('**Over budget:** the total ¥46,500 is ¥6,500 over the budget of ¥40,000.')).toBe(true);
    expect(r.summary).toContain('**Budget:** ¥40,000; **over by:** ¥6,500');
  });

  it('reads the intent from the description even when the title repeats its start', () => {
    const description = 'Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.';
    const sys = system(description, '(none)', 'Trip', description.slice(0, 50));
    expect(argsOf(actorPolicy.answer(request(sys)), 'search_trains')).toEqual({ from: 'Tokyo', to: 'Kyoto', date: '2026-12-02' });
  });
});
