// Navigation over the protocol: definition on a key (the source's title) and on a quote (the passage),
// references across every draft of the workspace (also unopened ones, never the corpus), rename of a
// key (the catalogue and every draft), document links, symbols, workspace symbols, inlay hints and
// semantic tokens.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Location, TextDocumentEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits } from "./edits";
import { positionOf, textAt, serverSession } from "./lspClient";

const DRAFT = [
  "# メモ",
  "",
  "プーチン大統領は提案を「検討が必要」と発言した[@findgo-trump-putin-call]。",
  "",
  "プーチン氏は米特使と会談した[@nikkei-2025-04-12]。参考: https://example.com/a",
  "",
  "未知の出典[@nosuch-key]。",
  "",
].join("\n");
const OTHER = "# 別の原稿\n\n続報[@nikkei-2025-04-12; @findgo-trump-putin-call]。\n";
const NESTED = "# 下書き\n\n@nikkei-2025-04-12 によれば会談があった。\n";

describe("navigation", () => {
  const session = serverSession({ name: "draft.md", text: DRAFT }, { "other.md": OTHER, "notes/nested.md": NESTED, "node_modules/pkg/readme.md": OTHER });

  const fileText = (u: string) => readFileSync(fileURLToPath(u), "utf8");

  it("definition on a key opens the corpus file at the source's title", async () => {
    const loc = await session.client.request<Location>("textDocument/definition", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, "nikkei-2025-04-12", 2) });
    assert.match(loc.uri, /corpus\/002_a7bcb88a404c413b\.txt$/);
    assert.match(textAt(fileText(loc.uri), loc.range), /^プーチン氏、米特使と会談/);
  });

  it("definition on a quote opens the passage holding it", async () => {
    const loc = await session.client.request<Location>("textDocument/definition", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, "検討が必要", 1) });
    assert.match(loc.uri, /corpus\/001_ab86abc2cc8096fe\.txt$/);
    assert.equal(textAt(fileText(loc.uri), loc.range), "検討が必要");
  });

  it("references list every draft citing the key, opened or not, skipping node_modules", async () => {
    const refs = await session.client.request<Location[]>("textDocument/references", {
      textDocument: { uri: session.uri },
      position: positionOf(DRAFT, "nikkei-2025-04-12", 2),
      context: { includeDeclaration: true },
    });
    const files = refs.map((r) => r.uri.slice(r.uri.lastIndexOf("/") + 1)).sort();
    assert.deepEqual(files, ["draft.md", "nested.md", "other.md"], JSON.stringify(refs));
    for (const r of refs) assert.equal(textAt(r.uri === session.uri ? DRAFT : fileText(r.uri), r.range), "@nikkei-2025-04-12");
  });

  it("prepareRename offers the key alone; an unknown key is refused", async () => {
    const r = await session.client.request<{ range: any; placeholder: string }>("textDocument/prepareRename", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, "nikkei-2025-04-12", 2) });
    assert.equal(r.placeholder, "nikkei-2025-04-12");
    assert.equal(textAt(DRAFT, r.range), "nikkei-2025-04-12");
    await assert.rejects(session.client.request("textDocument/prepareRename", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, "nosuch-key", 2) }));
  });

  it("rename edits the catalogue entry and every draft; a taken or invalid key is refused", async () => {
    const position = positionOf(DRAFT, "nikkei-2025-04-12", 2);
    await assert.rejects(session.client.request("textDocument/rename", { textDocument: { uri: session.uri }, position, newName: "newsweekjapan-2025-03-24" }), /already/);
    await assert.rejects(session.client.request("textDocument/rename", { textDocument: { uri: session.uri }, position, newName: "bad key!" }), /cannot be a citation key/);
    const edit = await session.client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: session.uri }, position, newName: "nikkei-putin-witkoff" });
    const changes = (edit.documentChanges ?? []) as TextDocumentEdit[];
    const byFile = new Map(changes.map((c) => [c.textDocument.uri.slice(c.textDocument.uri.lastIndexOf("/") + 1), c]));
    assert.deepEqual([...byFile.keys()].sort(), ["draft.md", "nested.md", "other.md", "sources.yaml"]);
    const catalogue = fileText(byFile.get("sources.yaml")!.textDocument.uri);
    const renamed = applyEdits(catalogue, byFile.get("sources.yaml")!.edits as any);
    assert.match(renamed, /002_a7bcb88a404c413b\.txt:\n {2}key: nikkei-putin-witkoff\n/);
    assert.equal(renamed.replace("nikkei-putin-witkoff", "nikkei-2025-04-12"), catalogue, "only the key changes");
    assert.equal(applyEdits(OTHER, byFile.get("other.md")!.edits as any), OTHER.replace("@nikkei-2025-04-12", "@nikkei-putin-witkoff"));
    assert.equal(applyEdits(DRAFT, byFile.get("draft.md")!.edits as any), DRAFT.replace("@nikkei-2025-04-12", "@nikkei-putin-witkoff"));
  });

  it("document links: known keys to their corpus file, and URLs", async () => {
    const links = await session.client.request<{ range: any; target: string }[]>("textDocument/documentLink", { textDocument: { uri: session.uri } });
    const key = links.find((l) => textAt(DRAFT, l.range) === "nikkei-2025-04-12");
    assert.ok(key && /002_a7bcb88a404c413b\.txt$/.test(key.target), JSON.stringify(links));
    assert.ok(links.some((l) => l.target === "https://example.com/a"));
    assert.ok(!links.some((l) => textAt(DRAFT, l.range) === "nosuch-key"), "no link for an unknown key");
  });

  it("document symbols: citations and quotes in order", async () => {
    const symbols = await session.client.request<{ name: string; detail?: string }[]>("textDocument/documentSymbol", { textDocument: { uri: session.uri } });
    assert.deepEqual(symbols.map((s) => s.name), ["「検討が必要」", "@findgo-trump-putin-call", "@nikkei-2025-04-12", "@nosuch-key"]);
    assert.match(symbols[2].detail ?? "", /日本経済新聞/);
  });

  it("workspace symbols: events and quotes of the corpus, searched in kana too", async () => {
    const byDate = await session.client.request<{ name: string; location: Location }[]>("workspace/symbol", { query: "2025-03-18" });
    assert.ok(byDate.some((s) => /電話会談/.test(s.name) && /003_da387fb42327dcfe/.test(s.location.uri)), JSON.stringify(byDate));
    const byReading = await session.client.request<{ name: string; location: Location }[]>("workspace/symbol", { query: "けんとう" });
    const q = byReading.find((s) => s.name.startsWith("「検討が必要」"));
    assert.ok(q, JSON.stringify(byReading.map((s) => s.name)));
    assert.equal(textAt(fileText(q.location.uri), q.location.range), "検討が必要");
  });

  it("inlay hints: outlet and date after a citation", async () => {
    const hints = await session.client.request<{ position: any; label: string }[]>("textDocument/inlayHint", {
      textDocument: { uri: session.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    const nikkei = hints.find((h) => /日本経済新聞 2025-04-12/.test(h.label));
    assert.ok(nikkei, JSON.stringify(hints));
    assert.deepEqual(nikkei.position, positionOf(DRAFT, "[@nikkei-2025-04-12]", "[@nikkei-2025-04-12]".length));
  });

  it("semantic tokens: every key, the unknown one marked", async () => {
    const legend = (session.client.initializeResult.capabilities.semanticTokensProvider as any).legend;
    const { data } = await session.client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri: session.uri } });
    const tokens: { line: number; char: number; length: number; unknown: boolean }[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      tokens.push({ line, char, length: data[i + 2], unknown: (data[i + 4] & (1 << legend.tokenModifiers.indexOf("unknown"))) !== 0 });
    }
    const lines = DRAFT.split("\n");
    assert.deepEqual(
      tokens.map((t) => [lines[t.line].slice(t.char, t.char + t.length), t.unknown]),
      [["@findgo-trump-putin-call", false], ["@nikkei-2025-04-12", false], ["@nosuch-key", true]],
    );
  });
});
