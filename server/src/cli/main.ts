/**
 * The `shutten` command line (dist/cli.js). Exit codes: 0 nothing of severity warning or above,
 * 1 something was found, 2 usage or I/O error.
 */
import { runCheck } from "./checkCommand";
import { UsageError, type CliIo } from "./cliIo";
import { runIndex } from "./indexCommand";
import { runInspect } from "./inspectCommand";
import { runSources } from "./sourcesCommand";

const USAGE = `usage: shutten <command> [options]

  check [--corpus DIR] [--bibliography FILE]… [--format text|json|sarif|github] [--lang en|ja] FILE…|DIR…
                         check drafts against the corpus (and their bibliographies)
  sources [--corpus DIR] --json
                         list the corpus sources
  inspect [--corpus DIR] --json [KEY…]
                         show what the index understood per source
  index [--corpus DIR] [--quiet]
                         build or refresh the cache and the index snapshot
  serve --stdio          run the language server (for any LSP client)
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return await runCheck(rest, io);
      case "sources":
        return await runSources(rest, io);
      case "inspect":
        return await runInspect(rest, io);
      case "index":
        return await runIndex(rest, io);
      case "serve":
        // The server reads its transport from argv (--stdio, --node-ipc, --socket=N).
        require("../main");
        return -1;
      case "--version":
      case "-v":
        io.stdout((process.env.SHUTTEN_VERSION ?? "0.1.0") + "\n");
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`shutten: unknown command '${command}'\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`shutten: ${e.message}\n`);
      return 2;
    }
    io.stderr(`shutten: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 2;
  }
}

/** Runs the CLI on this process's argv and exits with its code (the `serve` command keeps running). */
export function run(): void {
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    stderrStream: process.stderr,
  };
  main(process.argv.slice(2), io).then((code) => {
    // `serve` keeps running; everything else exits once its output is flushed.
    if (code >= 0) process.stdout.write("", () => process.exit(code));
  });
}

if (require.main === module) run();
