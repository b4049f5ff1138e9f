import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const files = readdirSync(SRC).filter((f) => f.endsWith('.ts'));

// The core must run in browsers and replay deterministically: no Node modules, no I/O, no clocks or randomness.
const FORBIDDEN: Array<[string, RegExp]> = [
  ['a node: import', /from\s+['"]node:/],
  ['require()', /\brequire\(/],
  ['process', /\bprocess\./],
  ['fetch()', /\bfetch\(/],
  ['Date.now()/new Date()', /Date\.now\(|new Date\(/],
  ['Math.random()', /Math\.random\(/],
];

describe('the core stays pure', () => {
  it('has source files to check', () => {
    expect(files).toContain('reducer.ts');
  });

  for (const f of files) {
    it(`${f} uses no Node modules, I/O, clock or randomness`, () => {
      const text = readFileSync(join(SRC, f), 'utf8');
      for (const [what, re] of FORBIDDEN) expect(re.test(text), `${f} uses ${what}`).toBe(false);
    });
  }
});
