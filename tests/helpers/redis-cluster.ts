import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, until } from './redis-server.ts';

/** Why a local cluster cannot be started here (redis-server or redis-cli missing), or null when it can. */
export function clusterUnavailable(): string | null {
  for (const bin of ['redis-server', 'redis-cli']) {
    if (spawnSync(bin, ['--version']).error) return `${bin} is not installed (apt install redis-server, brew install redis): the Redis Cluster test needs it on PATH`;
  }
  return null;
}

/**
 * A throw-away Redis Cluster of `masters` primaries (no replicas) on free loopback ports, in a
 * temporary folder, without persistence: `redis-server --cluster-enabled yes` per node, joined
 * by `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`.
 */
export class LocalRedisCluster {
  private readonly children: ChildProcess[] = [];
  readonly ports: number[] = [];
  private dir = '';

  constructor(readonly masters = 3) {}

  /** The seed list for REDIS_URL with AIME_REDIS_CLUSTER=1. */
  get url(): string {
    return this.ports.map((p) => `redis://127.0.0.1:${p}`).join(',');
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'aime-cluster-'));
    for (let i = 0; i < this.masters; i++) this.ports.push(await freePort());
    for (const port of this.ports) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--appendonly', 'no', '--save', '', '--dir', this.dir];
      const child = spawn('redis-server', args, { stdio: 'ignore' });
      this.children.push(child);
    }
    for (const port of this.ports) await until(`cluster node ${port} answers PING`, async () => (await this.onNode(port, (r) => r.ping())) === 'PONG', 20_000);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    for (const port of this.ports) {
      await until(`cluster node ${port} reports cluster_state:ok`, async () => String(await this.onNode(port, (r) => r.call('CLUSTER', 'INFO'))).includes('cluster_state:ok'), 30_000);
    }
  }

  /** DBSIZE of each primary, by port: where the keys really are. */
  async keysPerNode(): Promise<Record<number, number>> {
    const out: Record<number, number> = {};
    for (const port of this.ports) out[port] = await this.onNode(port, (r) => r.dbsize());
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    this.children.length = 0;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async onNode<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }
}
