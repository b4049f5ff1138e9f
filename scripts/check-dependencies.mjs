// @ts-check
/**
 * `npm run lint` runs this after ESLint. ESLint (import-x/no-extraneous-dependencies) fails when
 * a package's src imports something it does not declare, or declares only as a devDependency;
 * this fails the other way round: a package lists in `dependencies` something no file under its
 * `src/` uses (test-only packages belong in `devDependencies`, so a deployment does not carry them).
 *
 * "Uses" means: the package name (or a subpath of it) appears as a string literal in src (static
 * imports, `import()`, a specifier held in a variable), or a package.json script runs its binary.
 * `@types/*` packages and the plugins in LOADED_BY_NAME are not checked. Exit code 1 with one line per finding.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Packages imported by a name held in another package's data, not in the dependent's code: the
 * actor worker's default plugins (services/actors/src/config.ts DEFAULT_PLUGINS), which the
 * all-in-one must install.
 */
const LOADED_BY_NAME = new Set(['@aime/plugin-travel', '@aime/plugin-builtin']);
const SOURCE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;

/** @param {string} dir @returns {string[]} */
function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/** @param {string} s */
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** @returns {string[]} workspace folders (relative to the root) that have a package.json */
function workspaces() {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  /** @type {string[]} */
  const patterns = rootPkg.workspaces ?? [];
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const group = pattern.slice(0, -2);
    return existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => `${group}/${name}`) : [];
  }).filter((dir) => existsSync(join(root, dir, 'package.json')));
}

const findings = [];
for (const dir of workspaces()) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const files = sourceFiles(join(root, dir, 'src'));
  // A package without src (the shared tests workspace) has no runtime to speak of.
  if (files.length === 0) continue;
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  const scripts = Object.values(pkg.scripts ?? {}).join('\n');
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@types/') || LOADED_BY_NAME.has(dep)) continue;
    const literal = new RegExp(`['"\`]${escape(dep)}(?:/[^'"\`]*)?['"\`]`);
    const binary = new RegExp(`(?:^|[\\s;&|(])${escape(dep.split('/').pop() ?? dep)}(?:\\s|$)`, 'm');
    if (literal.test(text) || binary.test(scripts)) continue;
    findings.push(`${relative(root, join(root, dir, 'package.json'))}: "${dep}" is in dependencies, but nothing under ${dir}/src uses it; move it to devDependencies if only tests or tools need it, or remove it`);
  }
}

if (findings.length > 0) {
  process.stderr.write(`${findings.join('\n')}\n\n${findings.length} runtime ${findings.length === 1 ? 'dependency' : 'dependencies'} not used at runtime\n`);
  process.exit(1);
}
