/** What a CLI command gets: output streams and the working directory (injected so tests can capture). */
import { pushAll } from "../core/arrays";

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  /** The real stderr when it is a terminal (progress bars redraw in place there). */
  stderrStream?: NodeJS.WriteStream;
}

/** A usage or I/O error: printed to stderr, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `--flag value` / `--flag=value` options and positional arguments. A `repeatable` flag may
 * be given more than once; its values are collected in `lists`.
 */
export function parseArgs(
  args: string[],
  flags: string[],
  booleans: string[] = [],
  repeatable: string[] = [],
): { options: Record<string, string | boolean>; positional: string[]; lists: Record<string, string[]> } {
  const options: Record<string, string | boolean> = {};
  const lists: Record<string, string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      pushAll(positional, args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (booleans.includes(name)) options[name] = true;
      else if (flags.includes(name) || repeatable.includes(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`option --${name} needs a value`);
        if (repeatable.includes(name)) (lists[name] ??= []).push(v);
        else options[name] = v;
      } else throw new UsageError(`unknown option --${name}`);
    } else positional.push(a);
  }
  return { options, positional, lists };
}
