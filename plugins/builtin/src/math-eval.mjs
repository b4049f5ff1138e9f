// The `evaluate` tool's code. It runs in a worker thread (see math-bundle.ts), never on an
// actor worker's event loop: one short expression can compute for minutes or fill the heap.
// Plain JavaScript so the thread starts without a TypeScript loader.
import { all, create } from 'mathjs';
import { DISABLED_FUNCTIONS, MAX_EXPRESSION_CHARS } from './math-limits.mjs';

/** Node types refused before evaluation: ranges (`1:1e9` allocates) and function definitions (recursion). */
const REFUSED_NODES = {
  RangeNode: 'ranges (a:b) are not supported',
  FunctionAssignmentNode: 'defining functions is not supported',
};

/** A failure the model reads; the worker host carries `name`, `code` and `message` back as a ToolError. */
function toolError(code, message) {
  return Object.assign(new Error(message), { name: 'ToolError', code });
}

let sandbox;

/** One restricted mathjs instance per thread, made on first use (create(all) takes a moment). */
function getSandbox() {
  if (sandbox) return sandbox;
  const math = create(all, { number: 'number' });
  // Kept before the override: the only way we parse is here, outside the expression.
  const parse = math.parse;
  const disabled = {};
  for (const name of DISABLED_FUNCTIONS) {
    disabled[name] = () => {
      throw toolError('math_function_disabled', `the function ${name} is disabled in this calculator`);
    };
  }
  math.import(disabled, { override: true });
  sandbox = { parse, math };
  return sandbox;
}

function numericResult(value, math) {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw toolError('math_not_a_number', 'the expression evaluates to NaN (not a number)');
    return { result: value, text: math.format(value, { precision: 14 }) };
  }
  if (typeof value === 'boolean') return { result: value ? 1 : 0, text: String(value) };
  if (math.isUnit(value)) {
    const unit = value.formatUnits();
    return { result: value.toNumber(unit), unit, text: value.format({ precision: 14 }) };
  }
  if (math.isBigNumber(value) || math.isFraction(value)) return { result: Number(value), text: value.toString().slice(0, 1_000) };
  if (math.isResultSet(value)) {
    const last = value.entries.at(-1);
    if (last === undefined) throw toolError('math_no_result', 'the expression has no value');
    return numericResult(last, math);
  }
  const kind = math.isComplex(value) ? 'a complex number' : math.isMatrix(value) || Array.isArray(value) ? 'a matrix' : typeof value === 'function' ? 'a function' : typeof value;
  // Formatting a huge matrix in full would itself be the runaway work: only its start is shown.
  const shown = math.isMatrix(value) || Array.isArray(value) ? '' : ` (${math.format(value, { precision: 10 }).slice(0, 200)})`;
  throw toolError('math_not_a_number', `the expression evaluates to ${kind}${shown}, not a number; reduce it to one number, e.g. with sum() or det()`);
}

/**
 * Evaluates one expression in the sandbox with a fresh scope. Variables may be assigned
 * (`a = 2; a * 3`) and units converted (`5 km to mile`); the last value is the result.
 * @param {{ expression: string }} input
 * @returns {{ expression: string, result: number, unit?: string, text: string }}
 */
export function evaluate({ expression }) {
  if (expression.length > MAX_EXPRESSION_CHARS) throw toolError('math_too_long', `the expression is ${expression.length} characters, over the limit of ${MAX_EXPRESSION_CHARS}`);
  const { parse, math } = getSandbox();
  let node;
  try {
    node = parse(expression);
  } catch (err) {
    throw toolError('math_syntax', `cannot read the expression: ${err.message}`);
  }
  node.traverse((n) => {
    const why = REFUSED_NODES[n.type];
    if (why) throw toolError('math_refused', why);
  });
  let value;
  try {
    value = node.compile().evaluate(new Map());
  } catch (err) {
    if (err?.name === 'ToolError') throw err;
    throw toolError('math_error', `cannot evaluate: ${err.message}`);
  }
  return { expression, ...numericResult(value, math) };
}
