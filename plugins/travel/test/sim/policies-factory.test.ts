import { describe, expect, it } from 'vitest';
import { chooseActorSpec, factoryPolicy } from '../../src/sim/factory.ts';
import type { SimRequest } from '@aime/sim';

const ALL = ['trains', 'flights', 'hotels', 'weather', 'currency', 'itinerary'];

function request(task: string, bundles: string[], name = 'actor_spec'): SimRequest {
  const list = bundles.map((b) => `- ${b}: ${b} tools for travel, train, flight, hotel and weather (tools: x_${b})`).join('\n');
  return {
    model: 'sim',
    messages: [
      { role: 'system', content: 'You are the Actor Factory. Pick a persona and the bundles the task needs.' },
      { role: 'user', content: `## Task\nid: t1\ntitle: ${task}\ndescription: ${task}\ncompletion criteria: done\n\n## Available bundles\n${list}\n` },
    ],
    response_format: { type: 'json_schema', json_schema: { name, schema: {} } },
  };
}

function decide(task: string, bundles = ALL): { persona: { name: string; role: string; traits: string[] }; bundles: string[] } {
  const req = request(task, bundles);
  return JSON.parse(factoryPolicy.answer(req).content ?? '') as ReturnType<typeof decide>;
}

describe('factoryPolicy', () => {
  it('matches only the actor_spec response format', () => {
    expect(factoryPolicy.matches(request('x', ALL))).toBe(true);
    expect(factoryPolicy.matches(request('x', ALL, 'planner_output'))).toBe(false);
    expect(factoryPolicy.matches({ model: 'sim', messages: [{ role: 'user', content: 'hi' }] })).toBe(false);
  });

  it('gives a train task the trains bundle and a rail persona', () => {
    const out = decide('Search trains from Tokyo to Kyoto on 2026-12-02 for 2 passengers.');
    expect(out.bundles).toEqual(['trains']);
    expect(out.persona.name).toBe('Rail Booking Specialist');
    expect(out.persona.traits.length).toBeGreaterThan(0);
  });

  it('reads the task apart from the keyword-laden bundle descriptions', () => {
    expect(decide('Search flights from Seoul to Tokyo on 2026-12-01 for 2 passengers.').bundles).toEqual(['flights']);
    expect(decide('Search hotels in Kyoto from 2026-12-02 to 2026-12-04 for 2 guests.').bundles).toEqual(['hotels']);
    expect(decide('Check the weather in Tokyo on 2026-12-01.').bundles).toEqual(['weather']);
  });

  it('gives the assembly task the itinerary and currency bundles', () => {
    const out = decide('Assemble the final itinerary from all bookings, with the total cost in JPY.');
    expect(out.bundles).toEqual(['itinerary', 'currency']);
    expect(out.persona.name).toBe('Itinerary Planner');
  });

  it('never picks a bundle that is not listed', () => {
    expect(decide('Book the train chosen by task t2 for 2 passengers.', ['flights', 'hotels']).bundles).toEqual([]);
    expect(decide('Assemble the final itinerary from all bookings, with the total cost in JPY.', ['itinerary']).bundles).toEqual(['itinerary']);
  });

  it('falls back to a generic researcher for a task without travel keywords', () => {
    const out = decide('Summarise the history of tea ceremonies.');
    expect(out.bundles).toEqual([]);
    expect(out.persona.name).toBe('Research Assistant');
  });

  it('combines bundles when the task spans domains', () => {
    expect(chooseActorSpec('Fly to Tokyo and stay in a hotel, check the forecast', ALL).bundles).toEqual(['flights', 'hotels', 'weather']);
  });
});
