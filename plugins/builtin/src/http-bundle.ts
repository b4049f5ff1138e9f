import { z } from 'zod';
import { defineBundle, defineTool, ToolError, type BundleDefinition, type ToolDefinition } from '@aime/plugin-sdk';
import type { ResolvedBuiltinConfig } from './config.ts';
import { FORBIDDEN_HEADERS, safeFetch, type Resolver } from './http-fetch.ts';

/** The runtime's own limit on an http call; our limit (at most 55 s) always ends first. */
const TOOL_TIMEOUT_MS = 60_000;

const Headers = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), z.string().max(8_000))
  .optional()
  .describe('Extra request headers, e.g. {"accept": "application/json"}');

function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out = headers ?? {};
  const bad = Object.keys(out).filter((h) => FORBIDDEN_HEADERS.includes(h.toLowerCase()));
  if (bad.length > 0) throw new ToolError('http_header_refused', `These headers are set by the tool and cannot be given: ${bad.join(', ')}`);
  return out;
}

/**
 * Makes a tool's `requiresApproval` follow the config as it is when read: the plugin's config
 * from `aime.config.*` arrives in `setup`, after the bundle is built.
 */
function approvalFromConfig(tool: ToolDefinition, config: () => ResolvedBuiltinConfig): ToolDefinition {
  return Object.defineProperty(tool, 'requiresApproval', { get: () => config().http.requireApproval, enumerable: true, configurable: true });
}

/** The `http` bundle: fetch allowlisted URLs with size and time limits; writes wait for approval by default. */
export function createHttpBundle(config: () => ResolvedBuiltinConfig, resolve?: Resolver): BundleDefinition {
  const policy = () => ({ ...config().http, ...(resolve ? { resolve } : {}) });
  return defineBundle({
    name: 'http',
    description: 'Fetch web pages and call HTTP APIs on hosts an operator has allowed (http_get, http_post); bodies are cut at a size limit.',
    tools: [
      defineTool({
        name: 'http_get',
        description:
          'GET a URL and return its status, content type and body as text (cut at a size limit; `truncated` says so). Only hosts on the operator allowlist can be reached; a refusal names the rule.',
        input: z.object({ url: z.string().describe('Absolute http(s) URL'), headers: Headers }),
        sideEffects: 'none',
        timeoutMs: TOOL_TIMEOUT_MS,
        run: ({ url, headers }, ctx) => safeFetch({ method: 'GET', url, headers: checkHeaders(headers) }, policy(), ctx.signal),
      }),
      approvalFromConfig(defineTool({
        name: 'http_post',
        description:
          'POST a text or JSON body to a URL and return the response like http_get. Sends an Idempotency-Key header that stays the same if this step is retried, so servers that honour it do not act twice.',
        input: z.object({
          url: z.string().describe('Absolute http(s) URL'),
          body: z.string().max(1_000_000).describe('The request body (for JSON, the JSON text)'),
          contentType: z.string().default('application/json').describe('Content type of the body'),
          headers: Headers,
        }),
        sideEffects: 'external',
        timeoutMs: TOOL_TIMEOUT_MS,
        run: ({ url, body, contentType, headers }, ctx) =>
          safeFetch(
            { method: 'POST', url, body, headers: { 'idempotency-key': ctx.idempotencyKey, ...checkHeaders(headers), 'content-type': contentType } },
            policy(),
            ctx.signal,
          ),
      }), config),
    ],
  });
}
