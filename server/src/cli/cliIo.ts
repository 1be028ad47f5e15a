/** What a CLI command gets: output streams and the working directory (injected so tests can capture). */
import { pushAll } from "../core/arrays";

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
}

/** A usage or I/O error: printed to stderr, exit code 2. */
export class UsageError extends Error {}

/** Parses `--flag value` / `--flag=value` options and positional arguments. */
export function parseArgs(args: string[], flags: string[], booleans: string[] = []): { options: Record<string, string | boolean>; positional: string[] } {
  const options: Record<string, string | boolean> = {};
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
      else if (flags.includes(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`option --${name} needs a value`);
        options[name] = v;
      } else throw new UsageError(`unknown option --${name}`);
    } else positional.push(a);
  }
  return { options, positional };
}
