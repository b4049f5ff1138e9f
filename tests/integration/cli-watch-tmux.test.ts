import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIME_BIN } from '../helpers/run-aime.ts';
import { FIRST_SHINKANSEN, REFERENCE_CONTEXT, REFERENCE_GOAL, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
const session = `aime-watch-${randomUUID().slice(0, 8)}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

beforeAll(async () => {
  // A model that takes a moment per call, as real ones do, so the screen shows the mission in flight.
  stack = await startStack({ simLatencyMs: 60 });
});

afterAll(async () => {
  try {
    tmux('kill-session', '-t', session);
  } catch {
    // already gone
  }
  await stack?.close();
});

describe('aime submit --watch in a terminal (tmux)', { timeout: 180_000 }, () => {
  it('redraws the task list and progress bar as events arrive, shows the replan, and exits 0 when the mission succeeds', async () => {
    const context = { ...REFERENCE_CONTEXT, disruptions: [{ kind: 'sell_out_train', trainId: FIRST_SHINKANSEN, trigger: 'after_search' }] };
    const command = [
      'env',
      `AIME_URL=${stack.url}`,
      `AIME_API_KEY=${stack.token}`,
      'XDG_CONFIG_HOME=/nonexistent',
      'NO_COLOR=1',
      quote(process.execPath),
      quote(AIME_BIN),
      'submit',
      quote(REFERENCE_GOAL),
      '--context',
      quote(JSON.stringify(context)),
      '--watch',
      '; echo "AIME_EXIT=$?"; sleep 600',
    ].join(' ');
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '50', command);

    // Read the screen as a person would, until the command has exited.
    const frames: string[] = [];
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', session);
      if (frames.at(-1) !== screen) frames.push(screen);
      if (/AIME_EXIT=\d+/.test(screen)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const last = frames.at(-1)!;
    expect(last).toMatch(/AIME_EXIT=0/);
    expect(last).toMatch(/✔ mission succeeded/);
    expect(last).toMatch(/Mission m_\S+ {2}succeeded/);

    // The progress bar ticked over: several counts on the way to all done.
    const counts = frames.map((f) => /(\d+)\/(\d+) tasks (\d+)%/.exec(f)).filter((m): m is RegExpExecArray => m !== null);
    const distinct = [...new Set(counts.map((m) => `${m[1]}/${m[2]}`))];
    expect(distinct.length).toBeGreaterThanOrEqual(3);
    const final = counts.at(-1)!;
    expect(final[1]).toBe(final[2]);
    expect(final[3]).toBe('100');
    expect(Number(counts[0]![1])).toBeLessThan(Number(final[1]));
    // Tasks were seen running (spinner) and then done (✔), and the sold-out train made the planner replan.
    expect(frames.some((f) => /^ +[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \S/m.test(f))).toBe(true);
    // The booking of the sold-out train gave way to another booking.
    expect(last).toMatch(/^ +↷ Book the train Tokyo → Kyoto$/m);
    expect(last).toMatch(/^ +✔ Book the \S.* train Tokyo → Kyoto$/m);
    expect(last).toMatch(/↻ \d+ replans?/);
    expect(last).toMatch(/↻ replanned \(step \d+/);
    // Redrawn in place: one header on the screen, not one per update.
    expect(last.match(/^Mission m_/gm)).toHaveLength(1);
  });
});
