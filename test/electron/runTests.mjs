#!/usr/bin/env node
// The end-to-end scenarios through the VS Code API in desktop VS Code (Electron), with
// @vscode/test-electron: completion, hover and diagnostics of the *built* extension on a copy of
// the sample corpus. It needs a VS Code build: either downloadable (update.code.visualstudio.com
// reachable) or already on disk (VSCODE_EXECUTABLE=/path/to/code). Offline CI has neither, so
// `npm test` does not run this; the code-server test (test/e2e) covers the same ground there.
//   npm run test:electron            # downloads VS Code stable into .vscode-test/
//   VSCODE_VERSION=1.85.0 npm run test:electron
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { lookup } from "node:dns/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const UNKNOWN_KEY = "nosuch-2099-01-01";

async function canDownload() {
  try {
    await Promise.race([
      lookup("update.code.visualstudio.com"),
      new Promise((_, reject) => setTimeout(() => reject(new Error("DNS timeout")), 3000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath && !(await canDownload())) {
    console.error(
      "test:electron: no VS Code build available — update.code.visualstudio.com cannot be reached and " +
        "VSCODE_EXECUTABLE is not set.\nRun it where VS Code can be downloaded, or point VSCODE_EXECUTABLE " +
        "at a `code` binary. Offline, `npm run test:e2e` runs the same scenarios in code-server.",
    );
    process.exit(1);
  }
  const { runTests } = await import("@vscode/test-electron");

  execFileSync(process.execPath, [join(repo, "esbuild.mjs")], { cwd: repo, stdio: "inherit" });
  const sources = JSON.parse(
    execFileSync(process.execPath, [join(repo, "dist/cli.js"), "sources", "--corpus", join(repo, "corpus"), "--json"], { encoding: "utf8" }),
  );
  const known = sources.find((s) => (s.key.startsWith("nikkei") || s.path.includes("002_")) && s.title) ?? sources.find((s) => s.title);

  const tmp = mkdtempSync(join(tmpdir(), "shutten-electron-"));
  const workspace = join(tmp, "workspace");
  cpSync(join(repo, "corpus"), join(workspace, "corpus"), { recursive: true });
  writeFileSync(
    join(workspace, "draft.md"),
    `# 停戦交渉メモ\n\nロシアのプーチン大統領は米国の特使と会談した[@${known.key}]。\n\nこの主張には出典がない[@${UNKNOWN_KEY}]。\n`,
  );
  try {
    await runTests({
      version: process.env.VSCODE_VERSION,
      vscodeExecutablePath,
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(repo, "test/electron/suite/index.js"),
      extensionTestsEnv: {
        SHUTTEN_CACHE_DIR: join(tmp, "cache"),
        SHUTTEN_TEST_DRAFT: join(workspace, "draft.md"),
        SHUTTEN_KNOWN_KEY: known.key,
        SHUTTEN_KNOWN_TITLE: known.title,
        SHUTTEN_UNKNOWN_KEY: UNKNOWN_KEY,
        SHUTTEN_KEYS: sources.map((s) => s.key).join(","),
      },
      launchArgs: [workspace, "--disable-extensions", "--skip-welcome", "--skip-release-notes", "--user-data-dir", join(tmp, "user-data")],
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
