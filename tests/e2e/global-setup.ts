import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds the dashboard before the browser tests: they drive the bundle the commander
 * serves, so a stale `dist/` would test yesterday's UI. Always building (a few seconds)
 * is simpler and safer than comparing timestamps.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npm', ['run', 'build', '-w', 'apps/dashboard'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
