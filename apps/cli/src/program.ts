import { Command, CommanderError } from 'commander';
import { AimeError } from '@aime/client';
import { errorMessage } from '@aime/protocol';
import { registerMissionCommands, registerOperatorCommands } from './commands.ts';
import type { Io } from './io.ts';
import { localTokenPath } from '@aime/aime/local-token';
import type { Target } from './target.ts';
import { EXIT, UsageError } from './usage-error.ts';

const HELP_FOOTER = `
Server and key:
  --url / AIME_URL   the server (default: the one \`aime up\` runs on this machine, else http://127.0.0.1:7400)
  AIME_API_KEY       the API key; without it, the operator token \`aime up\` wrote to
                     ${localTokenPath()} (sent only to that server)

Exit codes: 0 ok (watch: succeeded), 1 mission failed, 2 mission cancelled, 3 usage, connection or server error.`;

/** One line for an error: what went wrong and, where the user can fix it, how. */
export function describeError(err: unknown, target: Target | undefined): { code: string; message: string } {
  if (err instanceof UsageError) return { code: 'usage', message: err.message };
  if (err instanceof AimeError) {
    const where = target?.url ?? 'the server';
    if (err.code === 'network_error') return { code: err.code, message: `${err.message}. Is it running? Start one with 'aime up', or point --url / AIME_URL at one.` };
    if (err.code === 'unauthorized') {
      const hint =
        target?.keySource === 'none'
          ? "set AIME_API_KEY, or start the server with 'aime up' on this machine (its token is then found by itself)"
          : target?.keySource === 'local token'
            ? "the token 'aime up' wrote is not this server's: set AIME_API_KEY"
            : 'AIME_API_KEY is not a key of this server';
      return { code: err.code, message: `${where} refused the request (${err.message}): ${hint}` };
    }
    if (err.code === 'forbidden') return { code: err.code, message: `${err.message} (forbidden: an operator key is needed)` };
    return { code: err.code, message: `${err.message} (${err.code})` };
  }
  return { code: 'internal', message: errorMessage(err) };
}

/**
 * Runs `aime <args>` and returns the exit code. Errors are one line on stderr (as JSON with
 * `--json`), never a stack trace (AIME_DEBUG=1 adds it for unexpected ones).
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const state: { code: number; target?: Target; json?: boolean } = { code: EXIT.ok };
  const program = new Command('aime')
    .description('Aime Runtime from the terminal: start the stack, submit and watch missions, steer them, decide approvals.')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s), outputError: (s, write) => write(`aime: ${s.replace(/^error: /, '')}`) })
    .addHelpText('after', HELP_FOOTER);

  program
    .command('up')
    .description('start the whole stack in this process (Redis found or started, the sim model unless a real one is configured)')
    .option('--json', 'print the address and dashboard URL as JSON')
    .action(async (opts: { json?: boolean }) => {
      state.json = opts.json === true;
      // Loaded only here: the whole stack is a large module graph the remote commands do not need.
      const { runUp } = await import('./up.ts');
      state.code = await runUp(io, { json: opts.json === true });
    });
  registerMissionCommands(program, io, state);
  registerOperatorCommands(program, io, state);
  program
    .command('eval')
    .description('run the eval harness (same options as npm run eval; aime eval --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { runEval } = await import('./eval.ts');
      state.code = await runEval(args);
    });
  for (const c of program.commands) c.exitOverride().showSuggestionAfterError();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too; commander has printed them (or the usage error) already.
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    const { code, message } = describeError(err, state.target);
    if (state.json) io.err.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else io.err.write(`aime: ${message}\n`);
    if (code === 'internal' && io.env.AIME_DEBUG === '1' && err instanceof Error && err.stack) io.err.write(`${err.stack}\n`);
    return EXIT.error;
  }
}
