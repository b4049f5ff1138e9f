import { z } from 'zod';
import { defineTool, type ToolDefinition } from '@aime/plugin-sdk';
import type { ArtifactRef, Report } from '@aime/protocol';

export const UPDATE_PROGRESS = 'update_progress';
export const SUBMIT_REPORT = 'submit_report';

const ProgressInput = z.object({
  status: z.string().min(1).max(200).describe('A short state, e.g. "searching", "booking", "in_progress".'),
  message: z.string().min(1).max(4000).describe('What you are doing now, for the operators.'),
});

const ReportInput = z.object({
  status: z.enum(['succeeded', 'failed', 'blocked']).describe('succeeded when the completion criteria are met; failed when they cannot be; blocked when something outside you is missing.'),
  summary: z.string().min(1).max(8000).describe('What you did and found, with the concrete facts.'),
  references: z.array(z.string().max(2000)).max(100).optional().describe('Pointers like train:<id>, flight:<id>, hotel:<id>, booking:<ref>.'),
  artifacts: z
    .array(z.object({ name: z.string().min(1).max(200), content: z.string().max(200_000), mimeType: z.string().max(200).optional() }))
    .max(20)
    .optional()
    .describe('Documents you produced.'),
});

/** What the built-in tools do outside the tool call itself. */
export interface BuiltinHooks {
  progress(status: string, message: string): Promise<void>;
}

/** The result of a successful `submit_report` call: the report to hand to the planner. */
export interface SubmittedReport {
  submitted: true;
  report: Report;
}

/**
 * AIME's built-in actor tools: `update_progress` (progress for the dashboard) and
 * `submit_report` (the structured conclusion; artifacts are stored and become refs).
 * The loop ends the actor when `submit_report` succeeds.
 */
export function builtinTools(hooks: BuiltinHooks): ToolDefinition[] {
  const progress = defineTool({
    name: UPDATE_PROGRESS,
    description: 'Tell the operators what you are doing now. Call it when you start and when something important changes.',
    input: ProgressInput,
    sideEffects: 'idempotent',
    run: async (input) => {
      await hooks.progress(input.status, input.message);
      return { ok: true };
    },
  });
  const report = defineTool({
    name: SUBMIT_REPORT,
    description:
      'End your task with your report. status: succeeded | failed | blocked; summary; references like train:<id>; optional artifacts { name, content, mimeType }. Report failures honestly.',
    input: ReportInput,
    sideEffects: 'idempotent',
    run: async (input, ctx): Promise<SubmittedReport> => {
      const artifacts: ArtifactRef[] = [];
      for (const a of input.artifacts ?? []) artifacts.push(await ctx.artifacts.put(a.name, a.content, a.mimeType));
      return { submitted: true, report: { status: input.status, summary: input.summary, references: input.references ?? [], artifacts } };
    },
  });
  return [progress as ToolDefinition, report as ToolDefinition];
}
