import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/** Canonical JSON: keys sorted at every level, so `{a, b}` and `{b, a}` are the same call. */
const canonicalJson = configure({ deterministic: true, circularValue: '[circular]', bigint: true });

/**
 * sha256 of the tool name and the canonical JSON of its arguments (hex). Approvals and
 * idempotency keys are bound to it: a decision or a remembered side effect belongs to
 * exactly one call, not to a position in the transcript that another call could take.
 */
export function callDigest(tool: string, args: unknown): string {
  return createHash('sha256').update(`${tool}\n${canonicalJson(args ?? null) ?? 'null'}`).digest('hex');
}
