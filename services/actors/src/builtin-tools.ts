import { z } from 'zod';
import { defineTool, ToolError, type ToolDefinition } from '@aime/plugin-sdk';
import type { ArtifactRef, Report } from '@aime/protocol';
import { artifactPage, pageCount } from './observation.ts';

export const UPDATE_PROGRESS = 'update_progress';
export const SUBMIT_REPORT = 'submit_report';
export const READ_ARTIFACT = 'read_artifact';

const ReadArtifactInput = z.object({
  id: z.string().min(1).max(300).describe('The artifact id (a_...) or its uri (artifact:<mission>/<id>), as a truncated observation or a report names it.'),
  page: z.number().int().min(1).max(100_000).optional().describe('Which page to read, from 1. @default 1'),
});

/** `artifact:<missionId>/<id>` or a bare id: the id. */
function artifactIdOf(ref: string): string {
  const s = ref.trim();
  return s.startsWith('artifact:') ? (s.slice('artifact:'.length).split('/').pop() ?? s) : s;
}

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
  /** A stored artifact of the mission (a full observation, a report's document), or null. */
  readArtifact(artifactId: string): Promise<{ name: string; content: string } | null>;
  /** The observation cap: a page of `read_artifact` fits under it. */
  maxObservationChars: number;
}

/** The result of a successful `submit_report` call: the report to hand to the planner. */
export interface SubmittedReport {
  submitted: true;
  report: Report;
}

/**
 * AIME's built-in actor tools: `update_progress` (progress for the dashboard),
 * `read_artifact` (a stored text in pages: a capped observation, a dependency's document) and
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
  const read = defineTool({
    name: READ_ARTIFACT,
    description:
      'Read a stored text page by page: the full text of a truncated tool result, or a document named in your knowledge. { id: "a_..." or "artifact:<mission>/<id>", page: 1, 2, ... }.',
    input: ReadArtifactInput,
    sideEffects: 'none',
    run: async (input): Promise<string> => {
      const id = artifactIdOf(input.id);
      const page = input.page ?? 1;
      const found = await hooks.readArtifact(id);
      if (!found) throw new ToolError('not_found', `There is no artifact ${id} in this mission. Use the id exactly as the truncated result or the report names it.`);
      const text = artifactPage(id, found.name, found.content, page, hooks.maxObservationChars);
      if (text === undefined) throw new ToolError('not_found', `Artifact ${id} has ${pageCount(found.content, hooks.maxObservationChars)} page(s); page ${page} does not exist.`);
      return text;
    },
  });
  return [progress as ToolDefinition, read as ToolDefinition, report as ToolDefinition];
}
