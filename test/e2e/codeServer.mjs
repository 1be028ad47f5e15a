// Starting and stopping code-server (the real VS Code workbench and Node extension host) for the
// end-to-end test, per ../shared/notes/e2e-in-code-server.md: Node 24, every XDG folder and TMPDIR
// inside the test's temp dir (code-server writes to $HOME even for --install-extension), a free
// port on 127.0.0.1, no auth, and a detached process group so one kill ends the extension host
// and the language server too.
import { spawn, execFile } from "node:child_process";
import { mkdirSync, writeFileSync, createWriteStream, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** The environment code-server runs in: everything it writes stays under `tmp`. */
export function isolatedEnv(tmp) {
  const env = { ...process.env };
  for (const [name, dir] of [
    ["XDG_CONFIG_HOME", "xdg/config"],
    ["XDG_DATA_HOME", "xdg/data"],
    ["XDG_CACHE_HOME", "xdg/cache"],
    ["XDG_STATE_HOME", "xdg/state"],
    ["TMPDIR", "t"],
  ]) {
    env[name] = join(tmp, dir);
    mkdirSync(env[name], { recursive: true });
  }
  // The language server's index cache goes to the temp dir too, and starts cold.
  env.SHUTTEN_CACHE_DIR = join(tmp, "shutten-cache");
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

/** User settings that keep the workbench quiet and fast: no welcome page, no chat, no updates. */
export const workbenchSettings = {
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "editor.hover.delay": 100,
  "editor.minimap.enabled": false,
  "git.enabled": false,
  "files.autoSave": "off",
};

export function writeUserSettings(userDataDir, extra = {}) {
  mkdirSync(join(userDataDir, "User"), { recursive: true });
  writeFileSync(join(userDataDir, "User", "settings.json"), JSON.stringify({ ...workbenchSettings, ...extra }, null, 2));
}

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { ...options, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** `code-server --install-extension` (the npm package has no bin/code-server; entry.js is the launcher). */
export async function installExtension({ node24, codeServer, vsix, userDataDir, extensionsDir, env, configFile }) {
  const { stdout, stderr } = await run(
    node24,
    [join(codeServer, "out/node/entry.js"), "--config", configFile, "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--install-extension", vsix, "--force"],
    { env, timeout: 120_000 },
  );
  const out = stdout + stderr;
  if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed:\n${out}`);
  return out;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on a free port with `workspace` open and waits until /healthz answers.
 * Returns { url, port, stop(), logTail() }.
 */
export async function startCodeServer({ node24, codeServer, workspace, userDataDir, extensionsDir, env, configFile, logFile, timeoutMs = 60_000 }) {
  const port = await freePort();
  const log = createWriteStream(logFile);
  const child = spawn(
    node24,
    [
      join(codeServer, "out/node/entry.js"),
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      "--config", configFile,
      "--user-data-dir", userDataDir,
      "--extensions-dir", extensionsDir,
      workspace,
    ],
    { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}); log:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms; log:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 100)); // polling interval, not a wait for an outcome
  }

  return {
    url,
    port,
    logTail: (lines = 60) => tail(logFile, lines),
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 5_000);
      await gone;
      clearTimeout(timer);
      // The extension host and the language server share the group; make sure none outlives us.
      for (let i = 0; i < 30 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(child.pid)) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }
      log.end();
    },
  };
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file, lines = 60) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
