// Bundles the extension client, the language server and the CLI into dist/, and copies kuromoji's
// dictionary beside them (found from __dirname at run time, never from node_modules).
//   node esbuild.mjs [--watch] [--production]
import * as esbuild from "esbuild";
import { cpSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");

function copyDictionary() {
  const src = join(dirname(require.resolve("kuromoji/package.json")), "dict");
  const dest = join(root, "dist", "dict");
  mkdirSync(dest, { recursive: true });
  cpSync(src, dest, { recursive: true });
}

/**
 * The lattice layouts that take seconds to make, made once here and shipped beside the dictionary
 * (dictionary.ts `writeShippedLattice`; nothing is done when the shipped file already fits).
 */
async function shipLattice() {
  const out = join(root, "dist", ".shipLattice.cjs");
  const contents = 'const { writeShippedLattice } = require("./server/src/core/text/dictionary"); writeShippedLattice(process.argv[2]);';
  await esbuild.build({ ...common, sourcemap: false, minify: false, stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "shipLattice.ts" }, outfile: out });
  try {
    execFileSync(process.execPath, [out, join(root, "dist", "dict")], { stdio: "inherit" });
  } finally {
    rmSync(out, { force: true });
  }
}

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  absWorkingDir: root,
};

const builds = [
  { ...common, entryPoints: { extension: "client/src/extension.ts" }, outdir: "dist", external: ["vscode"] },
  { ...common, entryPoints: { server: "server/src/main.ts", cli: "server/src/cli/main.ts", ingestWorker: "server/src/core/ingest/ingestWorker.ts", libraryWorker: "server/src/core/bibliography/libraryWorker.ts" }, outdir: "dist" },
];

mkdirSync(join(root, "dist"), { recursive: true });
copyDictionary();
await shipLattice();
const present = builds.map((b) => ({
  ...b,
  entryPoints: Object.fromEntries(Object.entries(b.entryPoints).filter(([, p]) => existsSync(join(root, p)))),
}));
if (watch) {
  for (const b of present) (await esbuild.context(b)).watch();
  console.log("[esbuild] watching…");
} else {
  await Promise.all(present.map((b) => esbuild.build(b)));
}
