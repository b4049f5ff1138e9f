import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, renderConfigurationDoc } from '../src/index.ts';

describe('the environment schema', () => {
  it('fills in every default when nothing is set', () => {
    const { values, unknown } = loadEnv({});
    expect(values).toMatchObject({ AIME_PORT: 7400, AIME_HOST: '127.0.0.1', AIME_PREFIX: 'aime:', LOG_LEVEL: 'info', AIME_RETENTION: 7 * 86_400_000, AIME_INSECURE_LOOPBACK: false, AIME_ALLOWED_HOSTS: [] });
    expect(values.REDIS_URL).toBeUndefined();
    expect(unknown).toEqual([]);
  });

  it('parses the values it is given, an empty one counting as unset', () => {
    const { values } = loadEnv({ AIME_PORT: '8080', AIME_INSECURE_LOOPBACK: 'yes', AIME_CORS_ORIGINS: 'https://a.example, https://b.example', AIME_RETENTION: '12h', AIME_HOST: '', LOG_LEVEL: 'DEBUG' });
    expect(values).toMatchObject({ AIME_PORT: 8080, AIME_INSECURE_LOOPBACK: true, AIME_CORS_ORIGINS: ['https://a.example', 'https://b.example'], AIME_RETENTION: 12 * 3_600_000, AIME_HOST: '127.0.0.1', LOG_LEVEL: 'debug' });
  });

  it('stops on a bad value with one line naming the variable and what is allowed', () => {
    expect(() => loadEnv({ AIME_PORT: 'abc' })).toThrow(new EnvError('AIME_PORT', 'AIME_PORT must be an integer 0..65535, got "abc"'));
    expect(() => loadEnv({ AIME_PLANNER_TEMPERATURE: '3' })).toThrow('AIME_PLANNER_TEMPERATURE must be a number 0..2, got "3"');
    expect(() => loadEnv({ AIME_ACTOR_LOCK_MS: '10' })).toThrow('AIME_ACTOR_LOCK_MS must be an integer 1000..600000');
    expect(() => loadEnv({ REDIS_URL: 'http://x' })).toThrow('REDIS_URL must be a redis or rediss URL');
    expect(() => loadEnv({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    for (const bad of [{ AIME_PORT: 'abc' }, { AIME_RETENTION: 'soon' }]) {
      try {
        loadEnv(bad);
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });

  it('never echoes a secret it refuses', () => {
    const secret = 'short-key:admin';
    expect(() => loadEnv({ AIME_API_KEYS: secret })).toThrow(/^AIME_API_KEYS must be a comma list of key:role/);
    try {
      loadEnv({ AIME_API_KEYS: secret });
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });

  it('reports unknown AIME_ variables, and passes on only the runtime\'s own', () => {
    const loaded = loadEnv({ AIME_PROT: '1', HOME: '/root', AIME_PLANNER_MODEL: 'sim' });
    expect(loaded.unknown).toEqual(['AIME_PROT']);
    expect(loaded.raw).toEqual({ AIME_PROT: '1', AIME_PLANNER_MODEL: 'sim' });
  });
});

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` generates from the schema', () => {
    const file = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
    // Run `npm run docs:config` after changing the schema.
    expect(readFileSync(file, 'utf8')).toBe(renderConfigurationDoc());
  });

  it('documents every variable and hides no secret default', () => {
    const doc = renderConfigurationDoc();
    for (const name of ['AIME_PORT', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'AIME_<ROLE>_LOCK_MS', 'AIME_<ROLE>_BASE_URL', 'AIME_SHUTDOWN_TIMEOUT_MS']) expect(doc).toContain(`\`${name}\``);
    expect(doc).toContain('`OPENAI_API_KEY` (secret)');
  });
});
