import { describe, expect, it } from 'vitest';
import { createMemoryToolContext, runTool, toolInfo } from '@aime/plugin-sdk';
import plugin from './index.ts';

const tool = (name: string) => plugin.bundles.flatMap((b) => b.tools).find((t) => t.name === name)!;

describe('the hello plugin', () => {
  it('says thank you in Japanese', async () => {
    const result = await runTool(tool('translate_phrase'), { phrase: 'thank you' }, createMemoryToolContext());
    expect(result).toEqual({ ok: true, output: { phrase: 'thank you', language: 'ja', text: 'ありがとうございます', romanized: 'arigatō gozaimasu' } });
  });

  it('tells the model which field is wrong', async () => {
    const result = await runTool(tool('translate_phrase'), { phrase: 'good night' }, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('phrase') } });
  });

  it('sends a postcard once per step, however often the step is retried', async () => {
    const ctx = createMemoryToolContext();
    const input = { to: '1-9-1 Marunouchi, Tokyo', message: 'Wish you were here' };
    const first = await runTool(tool('send_postcard'), input, ctx);
    const retry = await runTool(tool('send_postcard'), input, ctx);
    expect(first).toMatchObject({ ok: true, output: { postcardId: expect.stringMatching(/^pc-/) } });
    expect(retry).toMatchObject({ ok: true, output: { note: 'already sent by an earlier try of this step' } });
    expect(ctx.storedArtifacts).toHaveLength(1);
    expect(ctx.progressMessages).toEqual(['Printing a postcard to 1-9-1 Marunouchi, Tokyo']);
  });

  it('reports a refusal the model can act on', async () => {
    const result = await runTool(tool('send_postcard'), { to: 'nowhere', message: 'hi' }, createMemoryToolContext());
    expect(result).toMatchObject({ ok: false, error: { code: 'tool_failed', toolCode: 'bad_address' } });
  });

  it('asks an operator before sending', () => {
    expect(toolInfo(tool('send_postcard'))).toMatchObject({ sideEffects: 'external', requiresApproval: true });
  });
});
