import { createBuiltinPlugin } from './plugin.ts';

/** The builtin plugin with its default config (every http host refused until allowlisted). */
export const builtinPlugin = createBuiltinPlugin();
export default builtinPlugin;

export { createBuiltinPlugin } from './plugin.ts';
export type { BuiltinPlugin, BuiltinPluginOptions } from './plugin.ts';
export {
  BuiltinConfig,
  parseBuiltinConfig,
  resolveBuiltinConfig,
  DEFAULT_HTTP_MAX_BYTES,
  DEFAULT_HTTP_TIMEOUT_MS,
  MAX_HTTP_TIMEOUT_MS,
  DEFAULT_FILES_ROOT,
  DEFAULT_FILES_MAX_BYTES,
} from './config.ts';
export type { ResolvedBuiltinConfig } from './config.ts';
export { createHttpBundle } from './http-bundle.ts';
export { safeFetch, privateAllowed, MAX_REDIRECTS, FORBIDDEN_HEADERS } from './http-fetch.ts';
export type { FetchPolicy, FetchRequest, FetchResult, Resolver } from './http-fetch.ts';
export { matchHost, isPrivateAddress, normalizeHost } from './host-policy.ts';
export type { HostMatch } from './host-policy.ts';
export { createFilesBundle, MAX_LIST_ENTRIES } from './files-bundle.ts';
export { workspaceDir } from './workspace.ts';
export { createMathBundle, DISABLED_FUNCTIONS, MAX_EXPRESSION_CHARS, MAX_RESULT_CHARS, MATH_TIMEOUT_MS, MATH_HEAP_MB } from './math-bundle.ts';
