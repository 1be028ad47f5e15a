// SPEC §8 over the protocol: requests are cancellable (a cancelled request answers RequestCancelled,
// never a late result), a JSON-RPC framing error ends the server so the client's restart policy can
// start a new one, bad corpus files are diagnosed on the file when it is open, and the IME's
// full-width ＠ completes keys. Drives the built dist/server.js over stdio.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CancellationTokenSource, ResponseError } from "vscode-jsonrpc/node";
import { createWorkspace, positionOf, sampleCorpus, serverBundle, startServer, type LspClient, type TestWorkspace } from "./lspClient";

const REQUEST_CANCELLED = -32800;

/** A request sent with a token that is cancelled `afterMs` later: resolves to its result or its error. */
async function cancelledRequest(client: LspClient, method: string, params: unknown, afterMs: number): Promise<unknown> {
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest(method, params, source.token).then(
    (result) => ({ result }),
    (error) => ({ error }),
  );
  setTimeout(() => source.cancel(), afterMs);
  // No answer at all is a failure to report, not a wait.
  const silent = new Promise<unknown>((resolve) => setTimeout(() => resolve({ noAnswerWithin: "120 s" }), 120_000).unref());
  return Promise.race([pending, silent]);
}

function assertCancelled(outcome: unknown, what: string): void {
  const error = (outcome as { error?: unknown }).error;
  assert.ok(error instanceof ResponseError, `${what}: expected RequestCancelled, got ${JSON.stringify(outcome).slice(0, 300)}`);
  assert.equal(error.code, REQUEST_CANCELLED, `${what}: ${error.message}`);
}

/** A corpus large enough that its cold index takes a while: the sample articles, each many times over with its own numbers. */
function biggerCorpus(copies: number): Record<string, string> {
  const files: Record<string, string> = {};
  const texts = readdirSync(sampleCorpus).filter((n) => n.endsWith(".txt")).map((n) => readFileSync(join(sampleCorpus, n), "utf8"));
  for (let i = 0; i < copies; i++) texts.forEach((t, k) => (files[`corpus/gen/${i}-${k}.txt`] = t.replace(/(\d+)日/g, (_, d) => `${(Number(d) + i) % 28 + 1}日`) + `\n記録番号${i}-${k}。\n`));
  return files;
}

describe("cancellation", () => {
  let ws: TestWorkspace;
  let client: LspClient;
  const draft = "# 原稿\n\nプーチン大統領は「検討が必要」と発言した[@nosuch]。\n";

  before(async () => {
    ws = createWorkspace({ "draft.md": draft, ...biggerCorpus(60) });
    client = await startServer({ workspace: ws.dir });
  });
  after(async () => {
    await client?.stop();
    ws?.dispose();
  });

  it("a hover cancelled while the index is still being built answers RequestCancelled", async () => {
    client.openDocument(ws.uri("draft.md"), draft);
    const outcome = await cancelledRequest(client, "textDocument/hover", { textDocument: { uri: ws.uri("draft.md") }, position: positionOf(draft, "[@nosuch", 3) }, 50);
    assertCancelled(outcome, "hover during indexing");
    // The server still answers afterwards.
    await client.waitForDiagnostics(ws.uri("draft.md"), (d) => d.length > 0, 120_000);
    const hover = await client.request("textDocument/hover", { textDocument: { uri: ws.uri("draft.md") }, position: positionOf(draft, "[@nosuch", 3) });
    assert.notEqual(hover, undefined);
  });

  it("semantic tokens, symbols and references of a long draft, cancelled, answer RequestCancelled", async () => {
    const para = "プーチン大統領は「検討が必要」と発言した[@nosuch]。ウィットコフ特使と会談した[@other]。\n\n";
    // A new document for each request, so that each has the whole draft to parse.
    const open = (name: string) => {
      const long = `# 長い原稿 ${name}\n\n` + para.repeat(Math.ceil(200_000 / para.length));
      const uri = ws.write(name, long);
      client.openDocument(uri, long);
      return { uri, long };
    };
    const a = open("long-a.md");
    assertCancelled(await cancelledRequest(client, "textDocument/semanticTokens/full", { textDocument: { uri: a.uri } }, 0), "semantic tokens");
    const b = open("long-b.md");
    assertCancelled(await cancelledRequest(client, "textDocument/documentSymbol", { textDocument: { uri: b.uri } }, 0), "document symbols");
    const c = open("long-c.md");
    assertCancelled(await cancelledRequest(client, "textDocument/references", { textDocument: { uri: c.uri }, position: positionOf(c.long, "[@nosuch", 3), context: { includeDeclaration: true } }, 0), "references");
  });

  it("a request that is not cancelled gets its result", async () => {
    const result = await client.request("textDocument/documentSymbol", { textDocument: { uri: ws.uri("draft.md") } });
    assert.ok(Array.isArray(result));
  });
});

describe("a broken JSON-RPC stream", () => {
  for (const [name, bytes] of [
    ["a header without a number", "Content-Length: abc\r\n\r\n{}"],
    ["a body that is not JSON", "Content-Length: 9\r\n\r\nnot json!"],
    ["a header without Content-Length", "Content-Type: x\r\n\r\n{}"],
  ] as const) {
    it(`ends the server (${name}), so the client's restart policy starts a new one`, async () => {
      const child = spawn(process.execPath, [serverBundle, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (c) => (stderr += c));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.stdin.write(bytes);
      const code = await Promise.race([exited, new Promise<"alive">((r) => setTimeout(() => r("alive"), 15_000))]);
      if (code === "alive") child.kill();
      assert.notEqual(code, "alive", `server still running after a framing error; stderr: ${stderr}`);
      assert.notEqual(code, 0);
      assert.match(stderr, /cannot read|exiting/);
    });
  }
});

describe("full-width ＠ and corpus problems in the editor", () => {
  let ws: TestWorkspace;
  let client: LspClient;
  const draft = "# 原稿\n\n港市は図書館を無料化する[＠\n";

  before(async () => {
    ws = createWorkspace({ "draft.md": draft, "corpus/broken.txt": "\u0000\u0001\u0002binary\u0000" });
    client = await startServer({ workspace: ws.dir });
    client.openDocument(ws.uri("draft.md"), draft);
    await client.waitForDiagnostics(ws.uri("draft.md"), () => true, 60_000);
  });
  after(async () => {
    await client?.stop();
    ws?.dispose();
  });

  it("`＠` is a trigger character, and `[＠` completes keys written in ASCII", async () => {
    assert.ok(client.initializeResult.capabilities.completionProvider?.triggerCharacters?.includes("＠"));
    const items = await client.completion(ws.uri("draft.md"), positionOf(draft, "[＠", 2));
    assert.ok(items.length >= 4, JSON.stringify(items.map((i) => i.label)));
    const edit = (items[0] as { textEdit?: { newText: string } }).textEdit!;
    assert.match(edit.newText, /^@[^\s]+$/);
  });

  it("a binary corpus file, when open, shows why it was skipped", async () => {
    const uri = ws.uri("corpus/broken.txt");
    client.openDocument(uri, "\u0000\u0001\u0002binary\u0000", "plaintext");
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0, 30_000);
    assert.match(diags[0].message, /binary/);
  });
});
