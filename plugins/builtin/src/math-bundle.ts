import { all, create, type MathJsInstance, type MathNode } from 'mathjs';
import { z } from 'zod';
import { defineBundle, defineTool, ToolError, type BundleDefinition } from '@aime/plugin-sdk';

/** Longer expressions are refused: a calculator needs no more, and size bounds the work. */
export const MAX_EXPRESSION_CHARS = 1_000;

/**
 * Functions disabled in expressions: the ones mathjs's security guide lists (they reach the
 * parser or change the instance) plus those that build arbitrarily large matrices from a
 * short expression (memory exhaustion from one line).
 */
export const DISABLED_FUNCTIONS = [
  'import', 'createUnit', 'reviver', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'compile', 'config',
  'zeros', 'ones', 'identity', 'range', 'resize', 'reshape', 'kron', 'matrixFromRows', 'matrixFromColumns', 'matrixFromFunction', 'random', 'randomInt', 'pickRandom',
] as const;

interface Sandbox {
  parse: MathJsInstance['parse'];
  math: MathJsInstance;
}

let sandbox: Sandbox | undefined;

/** One restricted mathjs instance per process, made on first use (create(all) takes a moment). */
function getSandbox(): Sandbox {
  if (sandbox) return sandbox;
  // mathjs types `all` through an index signature, so strict indexing sees it as optional.
  if (all === undefined) throw new ToolError('math_unavailable', 'mathjs did not load its function set');
  const math = create(all, { number: 'number' });
  // Kept before the override: the only way we parse is here, outside the expression.
  const parse = math.parse;
  const disabled: Record<string, () => never> = {};
  for (const name of DISABLED_FUNCTIONS) {
    disabled[name] = () => {
      throw new ToolError('math_function_disabled', `the function ${name} is disabled in this calculator`);
    };
  }
  math.import(disabled, { override: true });
  sandbox = { parse, math };
  return sandbox;
}

/** Node types refused before evaluation: ranges (`1:1e9` allocates) and function definitions (recursion). */
const REFUSED_NODES: Record<string, string> = {
  RangeNode: 'ranges (a:b) are not supported',
  FunctionAssignmentNode: 'defining functions is not supported',
};

type Numeric = { result: number; unit?: string; text: string };

function numericResult(value: unknown, math: MathJsInstance): Numeric {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new ToolError('math_not_a_number', 'the expression evaluates to NaN (not a number)');
    return { result: value, text: math.format(value, { precision: 14 }) };
  }
  if (typeof value === 'boolean') return { result: value ? 1 : 0, text: String(value) };
  if (math.isUnit(value)) {
    const unit = value.formatUnits();
    return { result: value.toNumber(unit), unit, text: value.format({ precision: 14 }) };
  }
  if (math.isBigNumber(value) || math.isFraction(value)) return { result: Number(value), text: value.toString() };
  if (math.isResultSet(value)) {
    const last = (value as unknown as { entries: unknown[] }).entries.at(-1);
    if (last === undefined) throw new ToolError('math_no_result', 'the expression has no value');
    return numericResult(last, math);
  }
  const kind = math.isComplex(value) ? 'a complex number' : math.isMatrix(value) || Array.isArray(value) ? 'a matrix' : typeof value === 'function' ? 'a function' : typeof value;
  throw new ToolError('math_not_a_number', `the expression evaluates to ${kind} (${math.format(value as never, { precision: 10 }).slice(0, 200)}), not a number; reduce it to one number, e.g. with sum() or det()`);
}

/**
 * Evaluates one expression in the sandbox with a fresh scope. Variables may be assigned
 * (`a = 2; a * 3`) and units converted (`5 km to mile`); the last value is the result.
 * @throws ToolError `math_*`
 */
export function evaluateExpression(expression: string): Numeric & { expression: string } {
  if (expression.length > MAX_EXPRESSION_CHARS) throw new ToolError('math_too_long', `the expression is ${expression.length} characters, over the limit of ${MAX_EXPRESSION_CHARS}`);
  const { parse, math } = getSandbox();
  let node: MathNode;
  try {
    node = parse(expression);
  } catch (err) {
    throw new ToolError('math_syntax', `cannot read the expression: ${(err as Error).message}`);
  }
  node.traverse((n) => {
    const why = REFUSED_NODES[n.type];
    if (why) throw new ToolError('math_refused', why);
  });
  let value: unknown;
  try {
    value = node.compile().evaluate(new Map());
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError('math_error', `cannot evaluate: ${(err as Error).message}`);
  }
  return { expression, ...numericResult(value, math) };
}

/** The `math` bundle: a sandboxed calculator. */
export function createMathBundle(): BundleDefinition {
  return defineBundle({
    name: 'math',
    description: 'A calculator for arithmetic, functions, statistics and unit conversion (evaluate).',
    tools: [
      defineTool({
        name: 'evaluate',
        description:
          'Evaluate a math expression and return one number, e.g. "(129000 + 2 * 14170) / 3", "sqrt(2) * 10", "mean(3, 5, 10)", "12 km to mile", "a = 5; a^2". Use it instead of doing arithmetic in your head.',
        input: z.object({ expression: z.string().min(1).describe('A mathjs expression') }),
        sideEffects: 'none',
        timeoutMs: 5_000,
        run: ({ expression }) => evaluateExpression(expression),
      }),
    ],
  });
}
