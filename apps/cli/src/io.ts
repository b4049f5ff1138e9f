/** Where a command writes, and the environment it reads: injected so tests can run commands in-process too. */
export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Writes `value` as one line of JSON. */
export function printJson(io: Io, value: unknown): void {
  io.out.write(`${JSON.stringify(value)}\n`);
}

export function print(io: Io, text: string): void {
  io.out.write(text.endsWith('\n') ? text : `${text}\n`);
}
