import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, Event, Mission, MissionSummary } from '@aime/protocol';
import { startApprovalStack, type ApprovalStack } from '../helpers/approval-stack.ts';
import { AIME_BIN, runAime } from '../helpers/run-aime.ts';
import { deletePrefix, REDIS_URL, REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let env: Record<string, string>;
let configHome: string;

beforeAll(async () => {
  stack = await startStack();
  configHome = mkdtempSync(join(tmpdir(), 'aime-cli-'));
  env = { AIME_URL: stack.url, AIME_API_KEY: stack.token, XDG_CONFIG_HOME: configHome };
});

afterAll(async () => {
  await stack?.close();
  rmSync(configHome, { recursive: true, force: true });
});

const aime = (...args: string[]) => runAime(args, env);
/** A loopback port nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** One error line on stderr, no stack trace. */
const expectOneLineError = (stderr: string, pattern: RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr.trim()).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('aime submit, watch, show, events (the real binary against a real stack)', { timeout: 180_000 }, () => {
  it('submit --watch shows tasks ticking and exits 0 when the reference mission succeeds', async () => {
    const contextFile = join(configHome, 'context.json');
    writeFileSync(contextFile, JSON.stringify(REFERENCE_CONTEXT));
    const run = await aime('submit', REFERENCE_GOAL, '--context', `@${contextFile}`, '--budget', 'tokens=900000,steps=50', '--watch');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const id = lines[0]!;
    expect(id).toMatch(/^m_/);
    expect(run.stdout).toContain('▶ running');
    expect(run.stdout).toMatch(/✔ succeeded +Book the train/);
    expect(run.stdout).toMatch(/\nmission succeeded\n/);
    const mission = await stack.waitForStatus(id, ['succeeded']);
    expect(mission.budget.maxTokens).toBe(900_000);
    expect(mission.budget.maxPlannerSteps).toBe(50);
    expect(mission.context).toEqual(REFERENCE_CONTEXT);

    const show = await aime('show', id);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Mission ${id}  succeeded`);
    expect(show.stdout).toMatch(/\nResult\n[\s\S]*Kyoto/);
    const json = JSON.parse((await aime('show', id, '--json')).stdout) as Mission;
    expect(json.id).toBe(id);
    expect(json.status).toBe('succeeded');

    const stored = await stack.events(id);
    const events = await aime('events', id);
    expect(events.stdout.trim().split('\n')).toHaveLength(stored.length);
    expect(events.stdout).toContain('mission.finished');
    const ndjson = (await aime('events', id, '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
    expect(ndjson.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    const tail = (await aime('events', id, '--json', '--after', stored.at(-3)!.id)).stdout.trim().split('\n');
    expect(tail).toHaveLength(2);
    const limited = (await aime('events', id, '--limit', '3')).stdout.trim().split('\n');
    expect(limited).toHaveLength(3);
  });

  it('submit --watch exits 1 when the mission fails', async () => {
    const run = await aime('submit', 'Write a haiku about autumn', '--watch');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\nmission failed\n/);
  });

  it('submit --json prints the created mission; events --follow prints live events until it finishes', async () => {
    const created = JSON.parse((await aime('submit', REFERENCE_GOAL, '--json', '--context', JSON.stringify(REFERENCE_CONTEXT), '--metadata', '{"team":"cli"}')).stdout) as { id: string; status: string };
    expect(created.status).toBe('queued');
    expect((await stack.api<Mission>(`/v1/missions/${created.id}`)).body.metadata).toEqual({ team: 'cli' });
    const follow = await aime('events', created.id, '--follow', '--json');
    expect(follow.code).toBe(0);
    const ids = follow.stdout.trim().split('\n').map((l) => (JSON.parse(l) as Event).id);
    expect(ids).toEqual((await stack.events(created.id)).map((e) => e.id));
    expect(JSON.parse(follow.stdout.trim().split('\n').at(-1)!).type).toBe('mission.finished');
  });

  it('ls filters by --status and pages with --limit and --cursor', async () => {
    const plain = await aime('ls');
    expect(plain.stdout.split('\n')[0]).toMatch(/^ID +STATUS +TASKS +TOKENS +CREATED +GOAL$/);
    const first = JSON.parse((await aime('ls', '--json', '--limit', '2')).stdout) as { items: MissionSummary[]; nextCursor?: string };
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const next = JSON.parse((await aime('ls', '--json', '--cursor', first.nextCursor!)).stdout) as { items: MissionSummary[] };
    expect(next.items.length).toBeGreaterThan(0);
    expect(next.items.some((m) => first.items.some((f) => f.id === m.id))).toBe(false);
    const more = await aime('ls', '--limit', '1');
    expect(more.stderr).toMatch(/^more: aime ls --cursor \S+\n$/);
    const failed = JSON.parse((await aime('ls', '--json', '--status', 'failed')).stdout) as { items: MissionSummary[] };
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((m) => m.status === 'failed')).toBe(true);
    const bad = await aime('ls', '--status', 'nope');
    expect(bad.code).toBe(3);
  });

  it('tools lists the live bundles, as text and JSON', async () => {
    const text = await aime('tools');
    expect(text.stdout).toMatch(/^\S+ +\(1 worker\)/m);
    expect(text.stdout).toMatch(/^ {2}book_train +external/m);
    const json = JSON.parse((await aime('tools', '--json')).stdout) as { bundles: Array<{ name: string }> };
    expect(json.bundles.length).toBeGreaterThan(0);
  });

  it('eval delegates to the eval harness with its own options and exit codes', async () => {
    const help = await aime('eval', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--suite');
    const bad = await aime('eval', '--no-such-option');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/aime eval: .*no-such-option/);
  });
});

describe('aime errors: one line, exit code 3', { timeout: 180_000 }, () => {
  it('an unknown mission, a wrong key, no server, a bad flag, and JSON errors with --json', async () => {
    const missing = await aime('show', 'm_nope');
    expect(missing.code).toBe(3);
    expectOneLineError(missing.stderr, /^aime: .*not_found\)$/);
    const wrongKey = await runAime(['ls'], { ...env, AIME_API_KEY: 'wrong' });
    expect(wrongKey.code).toBe(3);
    expectOneLineError(wrongKey.stderr, /refused the request .*AIME_API_KEY is not a key of this server/);
    const noKey = await runAime(['ls'], { AIME_URL: stack.url, XDG_CONFIG_HOME: configHome });
    expectOneLineError(noKey.stderr, /set AIME_API_KEY, or start the server with 'aime up'/);
    const port = await closedPort();
    const down = await runAime(['ls', '--url', `http://127.0.0.1:${port}`], env);
    expect(down.code).toBe(3);
    expectOneLineError(down.stderr, new RegExp(`cannot reach the server at http://127\\.0\\.0\\.1:${port}.*aime up`));
    const usage = await aime('submit', 'x', '--budget', 'tokens=lots');
    expect(usage.code).toBe(3);
    expectOneLineError(usage.stderr, /^aime: --budget tokens must be a number/);
    const badJson = await aime('submit', 'x', '--context', '{nope');
    expectOneLineError(badJson.stderr, /^aime: --context is not valid JSON/);
    const model = await aime('submit', 'x', '--model', 'openai:gpt-4.1');
    expect(model.code).toBe(3);
    expectOneLineError(model.stderr, /^aime: model: .*AIME_ALLOWED_MODELS.* \(model_not_allowed\)$/);
    const unknown = await aime('frobnicate');
    expect(unknown.code).toBe(3);
    const json = await aime('show', 'm_nope', '--json');
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('aime approvals, approve, reject', { timeout: 180_000 }, () => {
  let approvals: ApprovalStack;
  let aenv: Record<string, string>;
  beforeAll(async () => {
    approvals = await startApprovalStack({ requireApproval: ['book_train'] });
    aenv = { AIME_URL: approvals.url, AIME_API_KEY: approvals.token, XDG_CONFIG_HOME: configHome };
  });
  afterAll(async () => {
    await approvals?.close();
  });

  it('lists pending approvals across missions and per mission, approves with a note and rejects', async () => {
    const a = await approvals.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const b = await approvals.submit({ goal: REFERENCE_GOAL, context: REFERENCE_CONTEXT });
    const [pa, pb] = await Promise.all([approvals.waitForApprovalRequest(a), approvals.waitForApprovalRequest(b)]);
    await approvals.waitForStatus(a, ['awaiting_approval']);
    await approvals.waitForStatus(b, ['awaiting_approval']);

    const all = JSON.parse((await runAime(['approvals', '--json'], aenv)).stdout) as { items: Approval[] };
    expect(all.items.map((x) => x.id)).toEqual(expect.arrayContaining([pa.id, pb.id]));
    expect(all.items.every((x) => x.status === 'pending')).toBe(true);
    const table = await runAime(['approvals', a], aenv);
    expect(table.stdout).toMatch(new RegExp(`^${pa.id} +pending +${a} .* book_train `, 'm'));

    const approved = await runAime(['approve', pa.id, '--note', 'fine by me'], aenv);
    expect(approved.stdout.trim()).toBe(`${pa.id} approved`);
    const rejected = JSON.parse((await runAime(['reject', pb.id, '--note', 'too expensive', '--json'], aenv)).stdout) as Approval;
    expect(rejected).toMatchObject({ id: pb.id, status: 'rejected', note: 'too expensive' });
    const after = JSON.parse((await runAime(['approvals', a, '--json'], aenv)).stdout) as { items: Approval[] };
    expect(after.items.find((x) => x.id === pa.id)).toMatchObject({ status: 'approved', note: 'fine by me' });
    const twice = await runAime(['approve', pa.id], aenv);
    expect(twice.code).toBe(3);
    await runAime(['cancel', a], aenv);
    await runAime(['cancel', b], aenv);
  });

  it('pause, resume, inject --data, cancel --reason; watch then exits 2 for the cancelled mission', async () => {
    // A mission waiting for an approval stays put until the CLI moves it.
    const id = (await runAime(['submit', REFERENCE_GOAL, '--context', JSON.stringify(REFERENCE_CONTEXT)], aenv)).stdout.trim();
    await approvals.waitForApprovalRequest(id);
    await approvals.waitForStatus(id, ['awaiting_approval']);
    expect((await runAime(['pause', id], aenv)).stdout.trim()).toBe(`${id} paused`);
    const resumed = JSON.parse((await runAime(['resume', id, '--json'], aenv)).stdout) as Mission;
    expect(resumed.status).not.toBe('paused');
    const injected = await runAime(['inject', id, 'The 09:00 Nozomi is sold out', '--data', '{"train":"NOZOMI-0900-2026-12-02"}'], aenv);
    expect(injected.code).toBe(0);
    const event = (await approvals.events(id)).find((e) => e.id === injected.stdout.trim());
    expect(event).toMatchObject({ type: 'world.event', data: { message: 'The 09:00 Nozomi is sold out', data: { train: 'NOZOMI-0900-2026-12-02' } } });
    expect((await runAime(['cancel', id, '--reason', 'testing the CLI'], aenv)).stdout.trim()).toBe(`${id} cancelled`);
    const statusEvent = (await approvals.events(id)).find((e) => e.type === 'mission.status' && (e.data as { to: string }).to === 'cancelled');
    expect((statusEvent?.data as { reason?: string }).reason).toContain('cancelled by operator');
    const watch = await runAime(['watch', id], aenv);
    expect(watch.code).toBe(2);
    expect(watch.stdout).toMatch(/\nmission cancelled\n/);
    const again = await runAime(['resume', id], aenv);
    expect(again.code).toBe(3);
    expectOneLineError(again.stderr, /^aime: cannot resume mission .* \(conflict\)$/);
    const cancelled = JSON.parse((await runAime(['ls', '--json', '--status', 'cancelled'], aenv)).stdout) as { items: MissionSummary[] };
    expect(cancelled.items.map((m) => m.id)).toContain(id);
    expect(cancelled.items.every((m) => m.status === 'cancelled')).toBe(true);
  });
});

describe('aime up', { timeout: 180_000 }, () => {
  it('stops with one line naming a bad variable', async () => {
    const run = await runAime(['up'], { AIME_PORT: 'abc', REDIS_URL });
    expect(run.code).toBe(3);
    expectOneLineError(run.stderr, /^aime: .*AIME_PORT/);
  });

  it('starts the stack, writes its token to a user-only file the CLI finds, and removes it on SIGTERM', async () => {
    const prefix = `test-${randomUUID()}:`;
    const home = mkdtempSync(join(tmpdir(), 'aime-up-'));
    const child = spawn(process.execPath, [AIME_BIN, 'up', '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: home, REDIS_URL, AIME_PREFIX: prefix, AIME_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`aime up exited with ${code}`)));
      });
      const banner = JSON.parse(first) as { url: string; dashboard: string; tokenFile: string };
      expect(banner.tokenFile).toBe(join(home, 'aime', 'local.json'));
      expect(statSync(banner.tokenFile).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(banner.tokenFile, 'utf8')) as { url: string; token: string };
      expect(saved.url).toBe(banner.url);
      expect(banner.dashboard).toBe(`${banner.url}/#token=${encodeURIComponent(saved.token)}`);
      // No AIME_URL, no AIME_API_KEY: the CLI finds the local server and its token by itself.
      const tools = await runAime(['tools', '--json'], { XDG_CONFIG_HOME: home });
      expect(tools.code).toBe(0);
      expect((JSON.parse(tools.stdout) as { bundles: unknown[] }).bundles.length).toBeGreaterThan(0);
      // The token goes only to that server.
      const elsewhere = await runAime(['ls', '--url', stack.url], { XDG_CONFIG_HOME: home });
      expect(elsewhere.code).toBe(3);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(banner.tokenFile)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await deletePrefix(prefix);
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('npm start leaves its token for the CLI too, and removes it when it stops', async () => {
    const prefix = `test-${randomUUID()}:`;
    const home = mkdtempSync(join(tmpdir(), 'aime-start-'));
    const main = join(import.meta.dirname, '../../apps/aime/src/main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: home, REDIS_URL, AIME_PREFIX: prefix, AIME_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /CLI +npx aime submit .*\n/.test(out) ? /Aime Runtime is running: (\S+)/.exec(out) : null;
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
      });
      const file = join(home, 'aime', 'local.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url).toBe(url);
      // No AIME_URL, no AIME_API_KEY: `npx aime` finds the server started by `npm start`.
      const tools = await runAime(['tools', '--json'], { XDG_CONFIG_HOME: home });
      expect(tools.code).toBe(0);
      expect((JSON.parse(tools.stdout) as { bundles: unknown[] }).bundles.length).toBeGreaterThan(0);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await deletePrefix(prefix);
      rmSync(home, { recursive: true, force: true });
    }
  });
});
