// `npm run build`: compiles every workspace that has a tsconfig.build.json to JavaScript in its
// dist/ (see tsconfig.build.base.json), in one process with the TypeScript compiler API (one
// `tsc -p` per workspace would pay the compiler's start-up each time), then builds the
// dashboard with Vite (not with --skip-dashboard). Types are checked by `npm run typecheck`,
// not here. Builds the tree it is run in (npm runs it from the repository root).
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';

const root = process.cwd();
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dirs = [];
for (const pattern of workspaces) {
  const base = join(root, pattern.replace(/\/\*$/, ''));
  if (!pattern.endsWith('/*')) dirs.push(base);
  else for (const name of ts.sys.getDirectories(base).sort()) dirs.push(join(base, name));
}

const started = Date.now();
let failed = false;
const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
for (const dir of dirs) {
  const config = join(dir, 'tsconfig.build.json');
  if (!existsSync(config)) continue;
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(ts.formatDiagnostic(d, host)) });
  if (!parsed) process.exit(1);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
  const result = program.emit();
  const diagnostics = [...parsed.errors, ...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...result.diagnostics];
  if (diagnostics.length > 0) {
    failed = true;
    console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  }
  // Plain JavaScript (worker-thread entries) and data files are used as they are.
  const assets = readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(mjs|cjs|json)$/.test(f));
  for (const f of assets) cpSync(join(dir, 'src', f), join(dir, 'dist', f));
  console.log(`built ${relative(root, dir)}/dist (${parsed.fileNames.length} files${assets.length ? `, ${assets.length} copied` : ''})`);
}
if (failed) process.exit(1);
console.log(`compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (!process.argv.includes('--skip-dashboard')) execFileSync('npm', ['run', 'build', '-w', 'apps/dashboard'], { cwd: root, stdio: 'inherit' });
