#!/usr/bin/env node
// End-to-end test in a real VS Code: installs the packaged .vsix into code-server, opens a
// workspace holding a copy of the sample corpus and a draft, and drives the workbench with
// playwright-core and Debian's Chromium through the journeys in journeys.mjs. Screenshots go to
// test-results/. Recipe and pitfalls: ../shared/notes/e2e-in-code-server.md.
//
// Environment (all optional):
//   NODE24, CODE_SERVER  tools from .ci/setup-tools.sh (run here when unset; idempotent)
//   VSIX                 a packaged extension; built with `npm run package` when unset
//   CHROMIUM             default /usr/bin/chromium
//   SHOTS                screenshot folder, default test-results/
//   E2E_TMP              parent of the temp dir, default tmp/ in the repository
//   E2E_ONLY             comma-separated substrings of journey names to run
//   KEEP=1               keep the temp dir (code-server and extension host logs) afterwards
//   HEADED=1             show the browser (needs a display)
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installExtension, isolatedEnv, startCodeServer, writeUserSettings } from "./codeServer.mjs";
import { Workbench, launchBrowser } from "./workbench.mjs";
import { journeys } from "./journeys.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[e2e ${elapsed()}] ${msg}`);
const timings = {};
async function timed(name, fn) {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - t0;
  }
}

const UNKNOWN_KEY = "nosuch-2099-01-01";

function tools() {
  let { NODE24, CODE_SERVER } = process.env;
  if (!NODE24 || !CODE_SERVER) {
    log("NODE24/CODE_SERVER unset: running .ci/setup-tools.sh");
    const out = execFileSync("bash", [join(repo, ".ci/setup-tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    NODE24 ||= /^NODE24=(.*)$/m.exec(out)?.[1];
    CODE_SERVER ||= /^CODE_SERVER=(.*)$/m.exec(out)?.[1];
  }
  for (const [name, path] of [["NODE24", NODE24], ["CODE_SERVER", CODE_SERVER && join(CODE_SERVER, "out/node/entry.js")]]) {
    if (!path || !existsSync(path)) throw new Error(`${name} not usable: ${path}`);
  }
  return { node24: NODE24, codeServer: CODE_SERVER };
}

function packageVsix() {
  if (process.env.VSIX) return resolve(process.env.VSIX);
  log("packaging the extension (npm run package)");
  execFileSync("npm", ["run", "--silent", "package"], { cwd: repo, stdio: ["ignore", "inherit", "inherit"] });
  return join(repo, "shutten.vsix");
}

function sampleSources(env) {
  const out = execFileSync(process.execPath, [join(repo, "dist/cli.js"), "sources", "--corpus", join(repo, "corpus"), "--json"], {
    encoding: "utf8",
    env,
  });
  return JSON.parse(out);
}

const LIBRARY_DRAFT = ["---", "bibliography: refs.bib", "---", "", "# 背景", "", "ウクライナ史の背景は", ""].join("\n");

function draftText(known) {
  return [
    "# 停戦交渉メモ",
    "",
    `ロシアのプーチン大統領は米国の特使と会談した[@${known.key}]。`,
    "",
    `この主張には出典がない[@${UNKNOWN_KEY}]。`,
    "",
  ].join("\n");
}

/** The extension host's log files, for a failure report. */
function extensionHostLogs(userDataDir) {
  const found = [];
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/remoteexthost\.log$|shutten/i.test(p)) found.push(p);
    }
  };
  walk(join(userDataDir, "logs"));
  return found;
}

async function main() {
  const { node24, codeServer } = tools();
  const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath} (apt-get install chromium)`);
  const shots = resolve(process.env.SHOTS || join(repo, "test-results"));
  mkdirSync(shots, { recursive: true });
  // Screenshots of an earlier run would be mistaken for this one's.
  for (const f of readdirSync(shots)) if (f.endsWith(".png")) rmSync(join(shots, f));

  const vsix = await timed("packageMs", async () => packageVsix());
  const tmpParent = resolve(process.env.E2E_TMP || join(repo, "tmp"));
  mkdirSync(tmpParent, { recursive: true });
  const tmp = mkdtempSync(join(tmpParent, "e2e-"));
  const env = isolatedEnv(tmp);
  const workspace = join(tmp, "workspace");
  const userDataDir = join(tmp, "user-data");
  const extensionsDir = join(tmp, "extensions");
  const configFile = join(tmp, "config.yaml");
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(configFile, "auth: none\ncert: false\n");
  writeUserSettings(userDataDir);

  const sources = sampleSources(env);
  const known = sources.find((s) => (s.key.startsWith("nikkei") || s.path.includes("002_")) && s.title) ?? sources.find((s) => s.title);
  if (!known) throw new Error(`no sample source with a title: ${JSON.stringify(sources)}`);
  cpSync(join(repo, "corpus"), join(workspace, "corpus"), { recursive: true });
  writeFileSync(join(workspace, "draft.md"), draftText(known));
  // A second draft citing from the writer's own reference library (a .bib beside it).
  cpSync(join(repo, "test", "fixtures", "bibliography", "refs.bib"), join(workspace, "refs.bib"));
  writeFileSync(join(workspace, "library-draft.md"), LIBRARY_DRAFT);
  log(`workspace ${workspace}; known key ${known.key} (${known.title}); unknown key ${UNKNOWN_KEY}`);

  let server;
  let browser;
  const results = [];
  try {
    await timed("installMs", () => installExtension({ node24, codeServer, vsix, userDataDir, extensionsDir, env, configFile }));
    log("extension installed");
    server = await timed("codeServerStartMs", () =>
      startCodeServer({ node24, codeServer, workspace, userDataDir, extensionsDir, env, configFile, logFile: join(tmp, "code-server.log") }),
    );
    log(`code-server at ${server.url}`);
    browser = await timed("browserLaunchMs", () =>
      launchBrowser({ executablePath: chromiumPath, profileDir: join(tmp, "chrome-profile"), env, headless: !process.env.HEADED }),
    );
    const page = browser.pages()[0] ?? (await browser.newPage());
    const wb = new Workbench(page, { shotsDir: shots, log });
    await timed("workbenchMs", () => wb.open(server.url, workspace, "draft.md"));
    log("workbench ready");
    const editor = await timed("openDraftMs", () => wb.openFile("draft.md", UNKNOWN_KEY));
    log("draft.md open");
    await wb.screenshot("01-workbench.png");

    const only = process.env.E2E_ONLY?.split(",").filter(Boolean);
    const ctx = { wb, editor, sources, known, unknownKey: UNKNOWN_KEY, log, timings };
    for (const j of journeys) {
      if (only && !only.some((o) => j.name.includes(o))) continue;
      const t0 = Date.now();
      try {
        await j.run(ctx);
        results.push({ name: j.name, ok: true, ms: Date.now() - t0 });
        log(`ok: ${j.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        results.push({ name: j.name, ok: false, ms: Date.now() - t0, error: e });
        log(`FAILED: ${j.name}: ${e.stack ?? e}`);
        const slug = j.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
        await wb.screenshot(`failure-${slug}.png`).catch(() => {});
        await page.keyboard.press("Escape").catch(() => {});
      }
    }
    await wb.screenshot("99-final.png");
    if (results.some((r) => !r.ok) && wb.consoleErrors.length) {
      log(`browser console errors (first 10):\n${wb.consoleErrors.slice(0, 10).join("\n")}`);
    }
  } catch (e) {
    results.push({ name: "setup", ok: false, error: e });
    log(`FAILED during setup: ${e.stack ?? e}`);
    const page = browser?.pages()[0];
    if (page) await page.screenshot({ path: join(shots, "failure-setup.png") }).catch(() => {});
  } finally {
    const failed = results.some((r) => !r.ok);
    if (failed && server) log(`code-server log (tail):\n${server.logTail()}`);
    if (failed) {
      const logs = extensionHostLogs(userDataDir);
      log(`extension host logs:\n${logs.join("\n") || "(none)"}`);
      for (const f of logs.filter((p) => /shutten/i.test(p))) {
        log(`--- ${f} (tail) ---\n${readFileSync(f, "utf8").split("\n").slice(-40).join("\n")}`);
      }
    }
    await browser?.close().catch(() => {});
    await server?.stop();
    if (process.env.KEEP || failed) log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  for (const r of results) console.log(`${r.ok ? "ok" : "not ok"} - e2e: ${r.name}${r.ms !== undefined ? ` (${r.ms} ms)` : ""}`);
  console.log(`${failed ? "FAIL" : "PASS"} ${JSON.stringify({ ...timings, totalMs: Date.now() - started })}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed || results.length === 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exitCode = 1;
});
