import { minimatch } from 'minimatch';
import type { BundleDefinition, ToolDefinition } from '@aime/plugin-sdk';

/**
 * The `approvals` section of `aime.config.*`: tools that need an operator's approval for
 * every call, by name or glob (`book_*`), whatever plugin serves them, minus `except`.
 */
export interface ApprovalPolicy {
  require?: readonly string[];
  except?: readonly string[];
}

/** Whether the policy makes calls of `tool` wait for an operator. */
export function policyRequires(policy: ApprovalPolicy | undefined, tool: string): boolean {
  const hit = (patterns: readonly string[] | undefined) => (patterns ?? []).some((p) => minimatch(tool, p, { nocase: false, noext: true }));
  return hit(policy?.require) && !hit(policy?.except);
}

/**
 * The bundles with `requiresApproval: true` on every tool the policy requires (a tool's own
 * approval rule stays in force otherwise: the policy only adds approvals), and the names of
 * the tools it changed, for the worker's start log.
 */
export function applyApprovalPolicy(bundles: ReadonlyMap<string, BundleDefinition>, policy: ApprovalPolicy | undefined): { bundles: Map<string, BundleDefinition>; required: string[] } {
  const required: string[] = [];
  const out = new Map<string, BundleDefinition>();
  for (const [name, b] of bundles) {
    const tools = b.tools.map((t): ToolDefinition => {
      if (!policyRequires(policy, t.name) || t.requiresApproval === true) return t;
      required.push(t.name);
      return { ...t, requiresApproval: true };
    });
    out.set(name, { ...b, tools });
  }
  return { bundles: out, required };
}

/** Patterns of the policy that match no tool served here: likely typos, worth a warning. */
export function unmatchedPatterns(bundles: ReadonlyMap<string, BundleDefinition>, policy: ApprovalPolicy | undefined): string[] {
  const names = [...bundles.values()].flatMap((b) => b.tools.map((t) => t.name));
  return (policy?.require ?? []).filter((p) => !names.some((n) => minimatch(n, p, { noext: true })));
}

/**
 * The keys of a plugin's `config` (from `aime.config.*`) that the plugin does not declare in
 * `configKeys`: reported at start instead of silently ignored. A plugin without `configKeys`
 * is not checked.
 */
export function unknownConfigKeys(configKeys: readonly string[] | undefined, config: Record<string, unknown> | undefined): string[] {
  if (!configKeys || !config) return [];
  return Object.keys(config).filter((k) => !configKeys.includes(k));
}
