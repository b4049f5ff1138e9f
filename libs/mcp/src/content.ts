import { ToolError } from '@aime/plugin-sdk';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Base64 length → decoded bytes, close enough for a label. */
const bytesOf = (data: unknown): number => (typeof data === 'string' ? Math.floor((data.length * 3) / 4) : 0);

/**
 * One content block as text for the model. Binary blocks become a one-line label: base64
 * in a prompt costs tokens and tells a text model nothing.
 */
function blockText(block: unknown): string {
  if (!isObj(block)) return '';
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? block.text : '';
    case 'image':
    case 'audio':
      return `[${block.type} ${String(block.mimeType ?? '')}, ${bytesOf(block.data)} bytes, not shown]`;
    case 'resource': {
      const res = isObj(block.resource) ? block.resource : {};
      if (typeof res.text === 'string') return res.text;
      return `[resource ${String(res.uri ?? '')} ${String(res.mimeType ?? '')}, ${bytesOf(res.blob)} bytes, not shown]`;
    }
    case 'resource_link':
      return `[resource link ${String(block.uri ?? '')}${typeof block.name === 'string' ? ` (${block.name})` : ''}]`;
    default:
      return `[${String(block.type)} content]`;
  }
}

/** All content blocks of a result as one text. */
export function resultText(result: Obj): string {
  const content = Array.isArray(result.content) ? result.content : [];
  return content
    .map(blockText)
    .filter((t) => t !== '')
    .join('\n\n');
}

/**
 * A `tools/call` result as a tool output: the structured content when the server sent one,
 * else the text of its content blocks. An `isError` result throws, so the model reads the
 * server's own message as a failed call.
 * @throws ToolError `mcp_tool_error`
 */
export function toolOutput(toolName: string, result: unknown): unknown {
  if (!isObj(result)) return result;
  // Servers of protocol 2024-10-07 answer `{ toolResult }` instead of content blocks.
  if ('toolResult' in result && !('content' in result)) return result.toolResult;
  if (result.isError === true) {
    const text = resultText(result).trim();
    throw new ToolError('mcp_tool_error', text === '' ? `${toolName} reported an error without a message` : text);
  }
  if (isObj(result.structuredContent)) return result.structuredContent;
  return resultText(result);
}
