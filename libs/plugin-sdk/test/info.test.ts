import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { Bundle, ToolInfo } from '@aime/protocol';
import { bundleInfo, defineBundle, defineTool, inputJsonSchema, toolInfo } from '@aime/plugin-sdk';

const book = defineTool({
  name: 'book_train',
  description: 'Books seats on a train.',
  input: z.object({
    trainId: z.string().describe('Id from search_trains'),
    passengers: z.number().int().min(1).max(9).default(1),
  }),
  sideEffects: 'external',
  requiresApproval: true,
  run: () => ({ ok: true }),
});

describe('toolInfo', () => {
  it('advertises the input as JSON Schema with descriptions, and fields with defaults as optional', () => {
    const info = toolInfo(book);
    expect(ToolInfo.parse(info)).toEqual(info);
    expect(info.inputSchema).toMatchObject({
      type: 'object',
      properties: { trainId: { type: 'string', description: 'Id from search_trains' }, passengers: { type: 'integer', minimum: 1, maximum: 9 } },
      required: ['trainId'],
    });
    expect(info.inputSchema).not.toHaveProperty('$schema');
    expect(info).toMatchObject({ name: 'book_train', sideEffects: 'external', requiresApproval: true });
  });

  it('converts a zod input once: the same schema for each tool defined with it, and a caller changing its copy changes no other', () => {
    const again = defineTool({ ...book, name: 'book_train_again', run: () => ({ ok: true }) });
    const first = inputJsonSchema(book);
    first.type = 'changed';
    first.extra = true;
    const second = inputJsonSchema(again);
    expect(second).toEqual(toolInfo(book).inputSchema);
    expect(second).toMatchObject({ type: 'object', required: ['trainId'] });
    expect(second).not.toHaveProperty('extra');
    expect(second.properties).toBe(first.properties);
  });

  it('defaults requiresApproval to false', () => {
    expect(toolInfo({ ...book, requiresApproval: undefined }).requiresApproval).toBe(false);
  });
});

describe('bundleInfo', () => {
  it('lists the tools and the worker count as a protocol Bundle', () => {
    const bundle = defineBundle({ name: 'trains', description: 'Trains.', tools: [book] });
    expect(Bundle.parse(bundleInfo(bundle, 3))).toMatchObject({ name: 'trains', workers: 3, tools: [{ name: 'book_train' }] });
    expect(bundleInfo(bundle).workers).toBe(0);
  });
});

describe('toolInfo with an own JSON Schema', () => {
  it('advertises inputJsonSchema as written, without the dialect marker, instead of the derived one', () => {
    const own = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { q: { type: 'string', format: 'uri' } }, required: ['q'] };
    const tool = defineTool({ name: 'fetch_it', description: 'Fetches.', input: z.looseObject({}), inputJsonSchema: own, sideEffects: 'none', run: () => 'ok' });
    expect(toolInfo(tool).inputSchema).toEqual({ type: 'object', properties: { q: { type: 'string', format: 'uri' } }, required: ['q'] });
    expect(own).toHaveProperty('$schema');
  });

  it('refuses an inputJsonSchema that does not describe an object', () => {
    expect(() => defineTool({ name: 'bad', description: 'Bad.', input: z.object({}), inputJsonSchema: { type: 'string' }, sideEffects: 'none', run: () => 'ok' })).toThrow(/inputJsonSchema/);
  });
});
