import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';

const KEY = 'sk-test-PLANTED-1234567890abcdef';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('keeps a planted key out of messages, fields, nested objects, headers and logged errors', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'debug' }, stream);
    log.info(`calling the model with ${KEY}`);
    log.info({ apiKey: KEY, nested: { deeper: [{ note: `key=${KEY}` }] } }, 'config');
    log.info({ req: { headers: { authorization: `Bearer ${KEY}` } } }, 'request');
    log.error({ err: new Error(`401 Incorrect API key provided: ${KEY}`) }, 'model failed');
    log.child({ missionId: 'm_1' }).warn({ err: `upstream said Authorization: Bearer ${KEY}` }, 'retry');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).not.toContain(KEY);
    expect(lines.join('')).toContain('[redacted]');
  });

  it('keeps ordinary fields and the error message around the secret', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info' }, stream).error({ err: new Error('timeout after 30000 ms'), missionId: 'm_2', maxTokens: 10 }, 'failed');
    const entry = JSON.parse(lines[0]!) as { err: { message: string; type: string }; missionId: string; maxTokens: number; msg: string };
    expect(entry).toMatchObject({ err: { message: 'timeout after 30000 ms', type: 'Error' }, missionId: 'm_2', maxTokens: 10, msg: 'failed' });
  });
});
