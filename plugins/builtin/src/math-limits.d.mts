/** Longer expressions are refused: a calculator needs no more, and size bounds the work. */
export declare const MAX_EXPRESSION_CHARS: number;
/** Longer results (in JSON characters) are refused. One number and its text need far less. */
export declare const MAX_RESULT_CHARS: number;
/** Functions disabled in expressions (reach the parser, change mathjs, build huge matrices, random). */
export declare const DISABLED_FUNCTIONS: readonly string[];
