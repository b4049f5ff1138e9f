import { Option, type Command } from 'commander';
import { MissionStatus, type CreateMissionRequest } from '@aime/protocol';
import type { AimeClient } from '@aime/client';
import { approvalsTable, eventLine, missionsTable, missionText, toolsText } from './format.ts';
import { print, printJson, type Io } from './io.ts';
import { parseBudget, parseJsonObject, parsePositiveInt } from './parse-input.ts';
import { clientFor, resolveTarget, type Target } from './target.ts';
import { EXIT, UsageError } from './usage-error.ts';
import { watchMission } from './watch.ts';

/** Options every remote command takes. */
interface CommonOptions {
  url?: string;
  json?: boolean;
}

/** What an action needs: output, the client, and the target for error hints. */
export interface Ctx {
  io: Io;
  client: AimeClient;
  target: Target;
  json: boolean;
}

type Action<A extends unknown[], O> = (ctx: Ctx, opts: O, ...args: A) => Promise<number>;

/**
 * Registers a remote command: `--url` and `--json` on every one, and the exit code and target
 * reported through `done` (the program maps errors to one line in main).
 */
export function remote<A extends unknown[], O extends object>(
  program: Command,
  io: Io,
  state: { code: number; target?: Target; json?: boolean },
  spec: string,
  describe: string,
  configure: (c: Command) => Command,
  action: Action<A, O & CommonOptions>,
): Command {
  const cmd = program
    .command(spec)
    .description(describe)
    .option('--url <url>', 'the server (default: AIME_URL, else the local `aime up` server, else http://127.0.0.1:7400)')
    .option('--json', 'print JSON (one value, or one event per line) for scripts');
  configure(cmd).action(async (...raw: unknown[]) => {
    // commander passes the positional arguments, then the options, then the command.
    const opts = (raw.at(-2) ?? {}) as O & CommonOptions;
    const args = raw.slice(0, -2) as A;
    state.json = opts.json === true;
    const target = resolveTarget(opts.url, io.env);
    state.target = target;
    state.code = await action({ io, client: clientFor(target), target, json: opts.json === true }, opts, ...args);
  });
  return cmd;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The mission commands: submit, ls, show, watch, events, inject, pause, resume, cancel. */
export function registerMissionCommands(program: Command, io: Io, state: { code: number; target?: Target; json?: boolean }): void {
  remote<[string], { context?: string; budget?: string[]; model?: string; metadata?: string; watch?: boolean }>(
    program,
    io,
    state,
    'submit <goal>',
    'submit a goal; prints the mission id (with --watch: follows it and exits with its outcome)',
    (c) =>
      c
        .option('--context <json|@file>', 'context object for the mission (inline JSON or @file)')
        .option('--budget <key=value>', 'limits: tokens, cost (USD), wall (e.g. 10m), steps, parallel; repeatable or comma-separated', collect)
        .option('--model <spec>', 'models for this mission (e.g. openai:gpt-4.1), if the server allows it')
        .option('--metadata <json|@file>', 'metadata object stored with the mission')
        .option('--watch', 'follow the mission live and exit with its outcome (0 succeeded, 1 failed, 2 cancelled)'),
    async (ctx, opts, goal) => {
      const request: CreateMissionRequest = { goal };
      if (opts.context) request.context = parseJsonObject(opts.context, '--context');
      if (opts.metadata) request.metadata = parseJsonObject(opts.metadata, '--metadata');
      const budget = parseBudget(opts.budget ?? []);
      if (budget) request.budget = budget;
      if (opts.model) request.model = opts.model;
      const created = await ctx.client.submit(request);
      if (ctx.json) printJson(ctx.io, created);
      else if (!opts.watch || !ctx.io.out.isTTY) print(ctx.io, created.id);
      if (!opts.watch) return EXIT.ok;
      return watchMission({ client: ctx.client, missionId: created.id, json: ctx.json, out: ctx.io.out, err: ctx.io.err });
    },
  );

  remote<[], { status?: string; limit?: string; cursor?: string; all?: boolean }>(
    program,
    io,
    state,
    'ls',
    'list missions, newest first',
    (c) =>
      c
        .addOption(new Option('--status <status>', 'only missions in this status').choices(MissionStatus.options))
        .option('--limit <n>', 'missions per page (1..200, default 50)')
        .option('--cursor <cursor>', 'the next page: the cursor the previous page printed'),
    async (ctx, opts) => {
      const page = await ctx.client.list({
        ...(opts.status ? { status: opts.status as MissionStatus } : {}),
        ...(opts.limit ? { limit: parsePositiveInt(opts.limit, '--limit') } : {}),
        ...(opts.cursor ? { cursor: opts.cursor } : {}),
      });
      if (ctx.json) printJson(ctx.io, page);
      else {
        print(ctx.io, missionsTable(page.items));
        if (page.nextCursor) ctx.io.err.write(`more: aime ls --cursor ${page.nextCursor}\n`);
      }
      return EXIT.ok;
    },
  );

  remote<[string], object>(program, io, state, 'show <id>', 'show a mission: status, usage, tasks, result', (c) => c, async (ctx, _opts, id) => {
    const m = await ctx.client.get(id);
    if (ctx.json) printJson(ctx.io, m);
    else print(ctx.io, missionText(m));
    return EXIT.ok;
  });

  remote<[string], object>(
    program,
    io,
    state,
    'watch <id>',
    'follow a mission live (task list, progress bar, replans, approvals); exit code = its outcome: 0 succeeded, 1 failed, 2 cancelled',
    (c) => c,
    (ctx, _opts, id) => watchMission({ client: ctx.client, missionId: id, json: ctx.json, out: ctx.io.out, err: ctx.io.err }),
  );

  remote<[string], { follow?: boolean; after?: string; limit?: string }>(
    program,
    io,
    state,
    'events <id>',
    "print a mission's events (with --json: one JSON event per line)",
    (c) =>
      c
        .option('-f, --follow', 'keep printing new events until the mission finishes')
        .option('--after <eventId>', 'only events after this id')
        .option('--limit <n>', 'at most this many events (without --follow)'),
    async (ctx, opts, id) => {
      const out = (e: Parameters<typeof eventLine>[0]) => (ctx.json ? printJson(ctx.io, e) : print(ctx.io, eventLine(e)));
      if (opts.follow) {
        for await (const e of ctx.client.stream(id, opts.after ? { after: opts.after } : {})) out(e);
        return EXIT.ok;
      }
      const limit = opts.limit ? parsePositiveInt(opts.limit, '--limit') : Infinity;
      let n = 0;
      for await (const e of ctx.client.allEvents(id, opts.after ? { after: opts.after } : {})) {
        if (n++ >= limit) break;
        out(e);
      }
      return EXIT.ok;
    },
  );

  remote<[string, string], { data?: string }>(
    program,
    io,
    state,
    'inject <id> <message>',
    'send an outside event to a mission; the planner replans with it',
    (c) => c.option('--data <json|@file>', 'structured data of the event'),
    async (ctx, opts, id, message) => {
      const res = await ctx.client.inject(id, message, opts.data ? parseJsonObject(opts.data, '--data') : undefined);
      if (ctx.json) printJson(ctx.io, res);
      else print(ctx.io, res.eventId);
      return EXIT.ok;
    },
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    remote<[string], { reason?: string }>(program, io, state, `${action} <id>`, `${action} a mission`, (c) => c.option('--reason <text>', "why (kept in the mission's events)"), async (ctx, opts, id) => {
      const m = await ctx.client[action](id, opts.reason ? { reason: opts.reason } : {});
      if (ctx.json) printJson(ctx.io, m);
      else print(ctx.io, `${m.id} ${m.status}`);
      return EXIT.ok;
    });
  }
}

/** approvals, approve, reject, tools. */
export function registerOperatorCommands(program: Command, io: Io, state: { code: number; target?: Target; json?: boolean }): void {
  remote<[string | undefined], object>(
    program,
    io,
    state,
    'approvals [id]',
    "a mission's approvals; without an id, the pending approvals of every mission waiting for one",
    (c) => c,
    async (ctx, _opts, id) => {
      const items = id ? await ctx.client.approvals(id) : (await ctx.client.pendingApprovals({ limit: 500 })).items;
      if (ctx.json) printJson(ctx.io, { items });
      else print(ctx.io, approvalsTable(items));
      return EXIT.ok;
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    remote<[string], { note?: string }>(
      program,
      io,
      state,
      `${decision} <approvalId>`,
      `${decision} a pending tool call (an operator key is needed unless the server lets callers decide)`,
      (c) => c.option('--note <text>', 'why; stored with the decision and shown to the actor'),
      async (ctx, opts, approvalId) => {
        const a = await ctx.client[decision](approvalId, opts.note);
        if (ctx.json) printJson(ctx.io, a);
        else print(ctx.io, `${a.id} ${a.status}`);
        return EXIT.ok;
      },
    );
  }

  remote<[], object>(program, io, state, 'tools', 'the tool bundles live actor workers serve now', (c) => c, async (ctx) => {
    const bundles = await ctx.client.tools();
    if (ctx.json) printJson(ctx.io, { bundles });
    else print(ctx.io, toolsText(bundles));
    return EXIT.ok;
  });
}

export { UsageError };
