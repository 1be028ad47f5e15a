// Diagnostics over the protocol as a writer lives them: evidence in related information pointing
// into the corpus, a corrected source re-checks the open draft at once, a severity setting takes
// effect when the editor reports a configuration change, and a broken corpus file is reported on
// that file without losing the rest of the corpus.
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { createWorkspace, sampleSources, startServer, textAt, type LspClient, type TestWorkspace } from "./lspClient";

describe("diagnostics over the protocol", () => {
  let ws: TestWorkspace;
  let client: LspClient;
  let nikkei: string;
  let nikkeiPath: string;
  let uri: string;
  let draft: string;

  before(async () => {
    const s = sampleSources().find((x) => x.path.includes("002_"))!;
    nikkei = s.key;
    draft = [
      "# メモ",
      "",
      `レビット氏は「トランプ大統領は両当事者にいつもいらだっている」と述べた[@${nikkei}]。`,
      "",
      `トランプ氏は自身のSNSに「ロシアは行動しなければならない」と迫った[@${nikkei}]。`,
      "",
    ].join("\n");
    ws = createWorkspace({ "draft.md": draft });
    nikkeiPath = join(ws.dir, "corpus", basename(s.path));
    uri = ws.uri("draft.md");
    client = await startServer({ workspace: ws.dir });
    client.openDocument(uri, draft);
    await client.waitForDiagnostics(uri, (d) => d.length > 0, 60_000);
  });

  after(async () => {
    await client?.stop();
    ws?.dispose();
  });

  const byCode = (list: Diagnostic[], code: string) => list.filter((d) => d.code === code);

  it("a misquote points at the source passage in related information, with the source's words", async () => {
    const d = await client.waitForDiagnostics(uri, (l) => byCode(l, "quote-mismatch").length === 1);
    const mismatch = byCode(d, "quote-mismatch")[0];
    assert.equal(textAt(draft, mismatch.range), "トランプ大統領は両当事者にいつもいらだっている");
    assert.match(mismatch.message, /いら立っている/);
    const rel = mismatch.relatedInformation?.[0];
    assert.ok(rel, "related information expected");
    assert.equal(rel.location.uri, pathToFileURL(nikkeiPath).href);
    const sourceText = readFileSync(nikkeiPath, "utf8");
    assert.match(textAt(sourceText, rel.location.range), /いら立っている/);
  });

  it("correcting the source file re-checks the open draft: the quote it no longer holds is reported", async () => {
    const original = readFileSync(nikkeiPath, "utf8");
    writeFileSync(nikkeiPath, original.replace("「ロシアは行動しなければならない」", "「ロシアは速やかに行動すべきだ」"));
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(nikkeiPath).href, type: 2 }] });
    const d = await client.waitForDiagnostics(uri, (l) => l.some((x) => textAt(draft, x.range) === "ロシアは行動しなければならない"), 30_000);
    assert.ok(d.some((x) => textAt(draft, x.range) === "ロシアは行動しなければならない" && x.code !== "uncited-quote"));
    writeFileSync(nikkeiPath, original);
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(nikkeiPath).href, type: 2 }] });
    await client.waitForDiagnostics(uri, (l) => !l.some((x) => textAt(draft, x.range) === "ロシアは行動しなければならない"), 30_000);
  });

  it("turning a code off in the settings removes its problems", async () => {
    client.updateSettings({ shutten: { diagnostics: { "quote-mismatch": "off" } } });
    await client.waitForDiagnostics(uri, (l) => byCode(l, "quote-mismatch").length === 0, 30_000);
    client.updateSettings({ shutten: {} });
    await client.waitForDiagnostics(uri, (l) => byCode(l, "quote-mismatch").length === 1, 30_000);
  });

  it("a binary file in the corpus is reported on that file, and the other sources still load", async () => {
    const bad = join(ws.dir, "corpus", "broken.txt");
    writeFileSync(bad, Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x41]));
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(bad).href, type: 1 }] });
    const badUri = pathToFileURL(bad).href;
    client.openDocument(badUri, "\u0000\u0001", "plaintext");
    const d = await client.waitForDiagnostics(badUri, (l) => l.length > 0, 30_000);
    assert.match(d[0].message, /binary|バイナリ/i);
    // The draft is still checked against the good sources.
    const draftDiagnostics = await client.waitForDiagnostics(uri, (l) => byCode(l, "quote-mismatch").length === 1, 30_000);
    assert.equal(byCode(draftDiagnostics, "unknown-source").length, 0);
  });
});

describe("a long draft being checked does not hold up the editor", () => {
  let ws: TestWorkspace;
  let client: LspClient;

  before(async () => {
    ws = createWorkspace({ "warm.md": "# 準備\n" });
    client = await startServer({ workspace: ws.dir });
    client.openDocument(ws.uri("warm.md"), "# 準備\n");
    await client.waitForDiagnostics(ws.uri("warm.md"), () => true, 60_000);
  });

  after(async () => {
    await client?.stop();
    ws?.dispose();
  });

  it("hover is answered before the diagnostics of a freshly opened 1,000-paragraph draft", async () => {
    // Distinct paragraphs (numbers vary), so nothing is answered from the block memo.
    const nikkei = sampleSources().find((x) => x.path.includes("002_"))!.key;
    const paragraphs = Array.from({ length: 1000 }, (_, i) => `第${i + 1}報: プーチン氏は${(i % 27) + 1}日、米特使と${i + 2}時間会談し、「交渉プロセスの新たな一歩になる」と述べた[@${nikkei}]。`);
    const text = paragraphs.join("\n\n") + "\n";
    const uri = ws.uri("long.md");
    const order: string[] = [];
    const diagnostics = client.waitForDiagnostics(uri, () => true, 120_000).then(() => order.push("diagnostics"));
    const t0 = Date.now();
    client.openDocument(uri, text);
    // Ask once the check is under way (it starts after the debounce), as a writer hovering would.
    await new Promise((r) => setTimeout(r, 300));
    const hover = client.hover(uri, { line: 0, character: text.indexOf("@") + 2 }).then(() => order.push("hover"));
    await Promise.all([hover, diagnostics]);
    console.log(`# check of ${text.length} chars took ${Date.now() - t0} ms; order: ${order.join(", ")}`);
    assert.deepEqual(order, ["hover", "diagnostics"]);
  });
});
