import { z } from 'zod';
import { defineBundle, definePlugin, defineTool, type PluginDefinition } from '@aime/plugin-sdk';

/** The bench world's one tool: answers at once, so a bench measures the runtime around it. */
const benchNoop = defineTool({
  name: 'bench_noop',
  description: 'Does nothing and answers at once (benchmarks).',
  input: z.object({ task: z.string(), call: z.number().int().min(1) }),
  output: z.object({ ok: z.literal(true), task: z.string(), call: z.number() }),
  sideEffects: 'none',
  timeoutMs: 5_000,
  run: ({ task, call }) => ({ ok: true as const, task, call }),
});

export const benchPlugin: PluginDefinition = definePlugin({
  name: 'bench',
  version: '0.1.0',
  bundles: [defineBundle({ name: 'bench', description: 'A tool that does nothing, for benchmarks (bench_noop).', tools: [benchNoop] })],
});
