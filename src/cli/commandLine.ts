/**
 * The parsing every `tfnb` command starts with: its options and positionals, `--help` printing the
 * usage (exit 0), and an unknown or malformed option printed with the usage (exit 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;

/** The parsed command line, or the exit code when there is nothing more to do (help, or an error). */
export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    console.error(`tfnb: ${(e as Error).message}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    console.log(usage);
    return 0;
  }
  return parsed;
}
