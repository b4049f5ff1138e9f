import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Budget, formatIssues } from '@aime/protocol';
import { UsageError } from './errors.ts';

/** What `check.jsonPath` compares the value at `path` with; exactly one comparison. */
export const JsonPathCheck = z
  .object({
    path: z.string().regex(/^\$(\.[A-Za-z_][\w-]*|\[\d+\])*$/, 'use a path like $.result.answer, $.usage.costUsd or $.tasks[0].status'),
    equals: z.unknown().optional(),
    lte: z.number().optional(),
    gte: z.number().optional(),
    matches: z.string().optional(),
  })
  .strict()
  .refine((c) => ['equals', 'lte', 'gte', 'matches'].some((k) => k in c), 'give one of equals, lte, gte or matches');
export type JsonPathCheck = z.infer<typeof JsonPathCheck>;

/** Every way a goal's outcome is checked; all given ones must pass. */
export const Check = z
  .object({
    /** Substrings the final answer must contain (case-insensitive). */
    contains: z.array(z.string().min(1)).optional(),
    /** A regular expression (JavaScript syntax, flag `i`) the final answer must match. */
    regex: z.string().min(1).optional(),
    jsonPath: JsonPathCheck.optional(),
    /** The mission's final status. */
    status: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
    /** A predicate module, relative to the suite file: `export default async (ctx) => ({ pass, message })`. */
    module: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'give at least one of contains, regex, jsonPath, status, module');
export type Check = z.infer<typeof Check>;

/** How the harness answers the mission's approval requests. */
export const ApprovalPolicy = z.enum(['approve', 'reject', 'none']);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** One line of a suite file. */
export const SuiteLine = z
  .object({
    id: z.string().regex(/^[\w.-]{1,80}$/, 'use letters, digits, _ . - (at most 80)'),
    goal: z.string().min(1).max(8000),
    context: z.record(z.string(), z.unknown()).optional(),
    budget: Budget.optional(),
    /** @default 'approve' */
    approvals: ApprovalPolicy.optional(),
    check: Check,
  })
  .strict();
export type SuiteLine = z.infer<typeof SuiteLine>;

/** A loaded suite: its name (file name without extension), where it lives, its goals. */
export interface Suite {
  name: string;
  path: string;
  goals: SuiteLine[];
}

const SUITES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../suites');

/** A suite file from a path, or a shipped suite by name (`travel` → apps/eval/suites/travel.jsonl). @throws UsageError when neither exists */
export function resolveSuitePath(fileOrName: string, cwd = process.cwd()): string {
  const asPath = isAbsolute(fileOrName) ? fileOrName : resolve(cwd, fileOrName);
  if (existsSync(asPath)) return asPath;
  const shipped = resolve(SUITES_DIR, `${fileOrName}.jsonl`);
  if (!fileOrName.includes('/') && existsSync(shipped)) return shipped;
  throw new UsageError(`suite '${fileOrName}' is neither a file nor a shipped suite name (shipped: travel)`);
}

/**
 * Parses a suite's JSONL text. Blank lines and lines starting with `//` are skipped.
 * @throws UsageError listing every bad line by number (`suite.jsonl:3: check.status: …`)
 */
export function parseSuite(text: string, path: string): Suite {
  const goals: SuiteLine[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('//')) return;
    const where = `${basename(path)}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      problems.push(`${where}: not JSON (${(err as Error).message})`);
      return;
    }
    const parsed = SuiteLine.safeParse(json);
    if (!parsed.success) {
      problems.push(`${where}: ${formatIssues(parsed.error.issues, { style: 'inline', root: '(line)' })}`);
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push(`${where}: id: '${parsed.data.id}' is used by an earlier line`);
      return;
    }
    seen.add(parsed.data.id);
    goals.push(parsed.data);
  });
  if (problems.length) throw new UsageError(`invalid suite ${path}:\n${problems.join('\n')}`);
  if (!goals.length) throw new UsageError(`suite ${path} has no goals`);
  return { name: basename(path, extname(path)), path, goals };
}

/** Reads and validates a suite by path or shipped name. @throws UsageError */
export async function loadSuite(fileOrName: string, cwd?: string): Promise<Suite> {
  const path = resolveSuitePath(fileOrName, cwd);
  return parseSuite(await readFile(path, 'utf8'), path);
}
