import { z } from 'zod';
import { formatIssues, PluginError } from '@aime/plugin-sdk';

/** Default response size limit of the `http` tools: bodies are cut there. */
export const DEFAULT_HTTP_MAX_BYTES = 256 * 1024;
/** Default time limit of one `http` call, redirects included. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/** The runtime stops a tool at its own `timeoutMs`; ours must end first so the model reads our message. */
export const MAX_HTTP_TIMEOUT_MS = 55_000;
/** Default workspace root; each mission gets `<root>/<missionId>/`. */
export const DEFAULT_FILES_ROOT = '.aime/workspaces';
/** Default size limit of a file read or written by the `files` tools. */
export const DEFAULT_FILES_MAX_BYTES = 1024 * 1024;

/** Configuration of the builtin plugin (the `config` of its entry in `aime.config.*`). */
export const BuiltinConfig = z.strictObject({
  http: z
    .strictObject({
      /**
       * Hosts the `http` tools may reach: exact names (`api.example.com`, `127.0.0.1`) or
       * `*.example.com` for any subdomain. Empty (the default) refuses every host.
       */
      allowHosts: z.array(z.string().min(1)).optional(),
      /** @default 262144 */
      maxBytes: z.number().int().min(1).max(64 * 1024 * 1024).optional(),
      /** @default 10000 */
      timeoutMs: z.number().int().min(1).max(MAX_HTTP_TIMEOUT_MS).optional(),
      /**
       * Whether the http tools that send data (`http_post`) wait for an operator's approval
       * before each call. Turn off only for hosts where a write can do no harm.
       * @default true
       */
      requireApproval: z.boolean().optional(),
    })
    .optional(),
  files: z
    .strictObject({
      /** @default '.aime/workspaces' (relative to the worker's working directory) */
      root: z.string().min(1).optional(),
      /** @default 1048576 */
      maxBytes: z.number().int().min(1).max(256 * 1024 * 1024).optional(),
    })
    .optional(),
});
export type BuiltinConfig = z.infer<typeof BuiltinConfig>;

/** The config with every default filled in. */
export interface ResolvedBuiltinConfig {
  http: { allowHosts: string[]; maxBytes: number; timeoutMs: number; requireApproval: boolean };
  files: { root: string; maxBytes: number };
}

/** Validates a config; `where` names its origin in the message. @throws PluginError `invalid_config` */
export function parseBuiltinConfig(raw: unknown, where = 'builtin plugin config'): BuiltinConfig {
  const parsed = BuiltinConfig.safeParse(raw ?? {});
  if (!parsed.success) throw new PluginError('invalid_config', `${where} is invalid:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** `override` section by section over `base`, then the defaults. */
export function resolveBuiltinConfig(base: BuiltinConfig, override: BuiltinConfig = {}): ResolvedBuiltinConfig {
  const http = { ...base.http, ...override.http };
  const files = { ...base.files, ...override.files };
  return {
    http: {
      allowHosts: (http.allowHosts ?? []).map((h) => h.trim().toLowerCase()),
      maxBytes: http.maxBytes ?? DEFAULT_HTTP_MAX_BYTES,
      timeoutMs: http.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
      requireApproval: http.requireApproval ?? true,
    },
    files: { root: files.root ?? DEFAULT_FILES_ROOT, maxBytes: files.maxBytes ?? DEFAULT_FILES_MAX_BYTES },
  };
}
