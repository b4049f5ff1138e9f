/**
 * docker-compose.yml as written: every service's environment passes the configuration schema
 * the processes validate at start (libs/service), each command runs a compiled entry point that
 * exists, and the deployment rules hold (keys or the generated token, never the loopback
 * shortcut behind Docker's bridge; Redis with AOF on a volume; actors with replicas; a drain
 * bound inside the stop grace period).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadEnv } from '@aime/service';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { disable?: boolean; test?: string[] };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(`${root}/docker-compose.yml`, 'utf8'), { merge: true }) as ComposeFile;
const aimeServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** Docker Compose's interpolation of `${VAR}` and `${VAR:-default}` from the given shell environment. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => shell[name] || (fallback ?? ''));
}

function environmentOf(s: Service, shell: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), shell)]));
}

const seconds = (d: string): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`unreadable duration ${d}`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[m[2]!]!;
};

describe('docker-compose.yml', () => {
  it('runs every runtime service from the one image', () => {
    expect(aimeServices.map(([name]) => name).sort()).toEqual(['actor-factory', 'actors', 'commander', 'sim']);
  });

  const shells: Array<Record<string, string>> = [{}, { AIME_API_KEYS: `${'k'.repeat(24)}:operator`, AIME_MODEL: 'openai:gpt-4o-mini', OPENAI_API_KEY: 'sk-test', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }];
  for (const shell of shells) {
    it(`gives each service an environment the configuration schema accepts (${Object.keys(shell).length ? 'with the optional variables set' : 'with nothing set in the shell'})`, () => {
      for (const [name, s] of aimeServices) {
        const loaded = (() => {
          try {
            return loadEnv(environmentOf(s, shell));
          } catch (err) {
            throw new Error(`${name}: ${(err as Error).message}`);
          }
        })();
        expect(loaded.unknown, name).toEqual([]);
      }
    });
  }

  it('starts each service with plain node on a compiled entry point whose source exists', () => {
    for (const [name, s] of aimeServices) {
      const [node, conditions, entry] = s.command ?? [];
      expect([node, conditions], name).toEqual(['node', '--conditions=compiled']);
      expect(entry, name).toMatch(/^(libs|services)\/[a-z-]+\/dist\/main\.js$/);
      expect(existsSync(`${root}/${entry!.replace('/dist/', '/src/').replace(/\.js$/, '.ts')}`), name).toBe(true);
    }
  });

  it('serves the API on every interface in the container, published on the host\'s loopback only, guarded by keys or the generated token', () => {
    const commander = compose.services.commander!;
    const env = environmentOf(commander, {});
    expect(env.AIME_HOST).toBe('0.0.0.0');
    // Requests from the host arrive from the bridge, not loopback: the loopback shortcut cannot be the guard.
    expect(env.AIME_INSECURE_LOOPBACK ?? '').toBe('');
    expect(commander.environment).toHaveProperty('AIME_API_KEYS');
    expect(commander.ports).toEqual(['127.0.0.1:7400:7400']);
    expect(commander.healthcheck?.test?.join(' ')).toContain('/healthz');
  });

  it('keeps Redis data in an append-only file on a named volume, and runs actor workers with replicas', () => {
    const redis = compose.services.redis!;
    expect(redis.command?.join(' ')).toContain('--appendonly yes');
    const [volume, mount] = (redis.volumes?.[0] ?? '').split(':');
    expect(mount).toBe('/data');
    expect(compose.volumes).toHaveProperty(volume!);
    expect(compose.services.actors!.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('lets each service drain within its stop grace period', () => {
    for (const [name, s] of aimeServices) {
      const drain = loadEnv(environmentOf(s, {})).values.AIME_SHUTDOWN_TIMEOUT_MS / 1000;
      expect(seconds(s.stop_grace_period ?? '10s'), name).toBeGreaterThan(drain);
    }
  });
});
