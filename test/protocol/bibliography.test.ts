// Reference libraries over the protocol: a draft whose front matter names a .bib, a CSL-JSON and a
// CSL YAML file and has inline references gets completion, hover, definition, references, rename
// and symbols for their keys; `unknown-source` only for a key in neither the corpus nor a library;
// broken entries and duplicate keys are published on the library file, a missing file on the
// draft; a changed library file re-checks the draft; the export enriches a corpus source that the
// library also has.
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { CompletionItem, Diagnostic, DocumentSymbol, Location, TextDocumentEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits } from "./edits";
import { hoverText, positionOf, repoRoot, serverSession, textAt } from "./lspClient";

const FIXTURES = join(repoRoot, "test", "fixtures", "bibliography");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

const DRAFT = [
  "---",
  "title: 停戦交渉メモ",
  "bibliography:",
  "  - refs/refs.bib",
  "  - refs/refs.json",
  "  - refs/refs.yaml",
  "  - refs/broken.bib",
  "  - refs/nowhere.bib",
  "references:",
  "- id: memo2025",
  "  type: report",
  "  title: 社内メモ",
  "  issued: 2025-04-01",
  "---",
  "",
  "プーチン氏は米特使と会談した[@nikkei-2025-04-12]。",
  "",
  "小泉は戦争の構図を論じた[@koizumi2022; @sakwa2015, p. 3]。トレーニンも[@trenin2016]。",
  "",
  "「これは本にしかない言葉だ」と彼は書いた[@mearsheimer2014]。",
  "",
  "社内でも[@memo2025]。未知[@nosuch2099]。誤記[@koizumi2021]。",
  "",
].join("\n");

const BROKEN_BIB = "@book{ok1,\n  title = {Fine},\n  year = {2001}\n}\n\n@book{bad1,\n  title {No equals},\n  year = {2002}\n}\n\n@book{plokhy2015,\n  title = {Twice},\n  year = {2015}\n}\n";

function accept(text: string, item: CompletionItem): string {
  const edit = item.textEdit as { range: any; newText: string };
  return applyEdits(text, [{ range: edit.range, newText: edit.newText }]);
}

describe("reference libraries", () => {
  const session = serverSession(
    { name: "draft.md", text: DRAFT },
    {
      "refs/refs.bib": fixture("refs.bib"),
      "refs/refs.json": fixture("refs.json"),
      "refs/refs.yaml": fixture("refs.yaml"),
      "refs/broken.bib": BROKEN_BIB,
      "shared/library.bib": "@book{shared2020,\n  author = {Shared, Sam},\n  title = {A Shared Book},\n  year = {2020}\n}\n",
      "other.md": "# 別稿\n\n共有の文献[@shared2020]と[@plokhy2015]。\n",
    },
    { settings: { shutten: { bibliography: ["shared/*.bib"] } } },
  );
  const diagnostics = () => session.client.waitForDiagnostics(session.uri, (d) => d.some((x) => x.code === "unknown-source"), 60_000);
  const fileText = (u: string) => readFileSync(fileURLToPath(u), "utf8");

  it("unknown-source only for keys in neither the corpus nor a library (.bib, CSL-JSON, CSL YAML, inline)", async () => {
    const diags = await diagnostics();
    const unknown = diags.filter((d) => d.code === "unknown-source").map((d) => textAt(DRAFT, d.range));
    assert.deepEqual(unknown.sort(), ["@koizumi2021", "@nosuch2099"]);
    const typo = diags.find((d) => textAt(DRAFT, d.range) === "@koizumi2021")!;
    assert.match(typo.message, /@koizumi2022/, "the library's nearest key is suggested");
  });

  it("a quote cited only to a reference without full text raises nothing", async () => {
    const diags = await diagnostics();
    const line = DRAFT.split("\n").findIndex((l) => l.includes("本にしかない"));
    assert.deepEqual(diags.filter((d) => d.range.start.line === line), []);
  });

  it("a bibliography file the draft names that does not exist is reported on its name", async () => {
    const diags = await diagnostics();
    const missing = diags.find((d) => d.code === "bibliography-not-found");
    assert.ok(missing, JSON.stringify(diags));
    assert.equal(textAt(DRAFT, missing.range), "refs/nowhere.bib");
  });

  it("a broken entry and a duplicate key are published on the library file, with their lines; the rest loads", async () => {
    const uri = session.ws.uri("refs/broken.bib");
    const diags: Diagnostic[] = await session.client.waitForDiagnostics(uri, (d) => d.length >= 2, 30_000);
    const broken = diags.find((d) => d.code === "bibliography-entry")!;
    assert.equal(broken.range.start.line, 6, "the line of the field without '='");
    assert.match(broken.message, /bad1/);
    const dup = diags.find((d) => d.code === "bibliography-duplicate-key")!;
    assert.equal(textAt(BROKEN_BIB, dup.range), "plokhy2015");
    assert.match(dup.message, /refs\.bib:\d+/);
    // ok1 loaded: a draft citing it has no unknown-source for it.
    const other = session.ws.uri("check.md");
    const text = "---\nbibliography: refs/broken.bib\n---\n\n本文[@ok1]と[@bad1]。\n";
    session.client.openDocument(other, text);
    const d2 = await session.client.waitForDiagnostics(other, (d) => d.some((x) => x.code === "unknown-source"), 30_000);
    assert.deepEqual(
      d2.filter((x) => x.code === "unknown-source").map((x) => textAt(text, x.range)),
      ["@bad1"],
    );
    session.client.closeDocument(other);
  });

  it("completion after [@ offers library keys with author, year and title; corpus keys too", async () => {
    const text = DRAFT + "続けて[@";
    session.client.changeDocument(session.uri, text);
    const items = await session.client.completion(session.uri, positionOf(text, "続けて[@", 5), "@");
    const labels = items.map((i) => i.label);
    for (const k of ["mearsheimer2014", "sakwa2015", "trenin2016", "memo2025", "shared2020", "nikkei-2025-04-12"]) assert.ok(labels.includes(k), `${k} in ${labels.join(", ")}`);
    const m = items.find((i) => i.label === "mearsheimer2014")!;
    assert.match(m.detail ?? "", /Mearsheimer 2014 · Why the Ukraine Crisis/);
  });

  it("completion by author and by a Japanese title; 本文@ becomes 本文[@key]", async () => {
    let text = DRAFT + "続けて[@plok";
    session.client.changeDocument(session.uri, text);
    let items = await session.client.completion(session.uri, positionOf(text, "[@plok", 6));
    assert.equal(items[0]?.label, "plokhy2015");
    text = DRAFT + "続けて[@ウクライナ戦";
    session.client.changeDocument(session.uri, text);
    items = await session.client.completion(session.uri, positionOf(text, "[@ウクライナ戦", 8));
    const k = items.find((i) => i.label === "koizumi2022");
    assert.ok(k, items.map((i) => i.label).join(", "));
    assert.equal(accept(text, k), DRAFT + "続けて[@koizumi2022");
    text = DRAFT + "本文@sakw";
    session.client.changeDocument(session.uri, text);
    items = await session.client.completion(session.uri, positionOf(text, "本文@sakw", 7));
    const s = items.find((i) => i.label === "sakwa2015")!;
    assert.equal(accept(text, s), DRAFT + "本文[@sakwa2015]");
  });

  it("completion finds a Japanese name by its kana reading", async () => {
    const text = DRAFT + "続けて[@こいずみ";
    session.client.changeDocument(session.uri, text);
    // Readings are added in the background once the library is read.
    let items: CompletionItem[] = [];
    for (let i = 0; i < 40 && !items.some((x) => x.label === "koizumi2022"); i++) {
      items = await session.client.completion(session.uri, positionOf(text, "[@こいずみ", 6));
      if (!items.some((x) => x.label === "koizumi2022")) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(items.some((x) => x.label === "koizumi2022"), items.map((x) => x.label).join(", "));
    session.client.changeDocument(session.uri, DRAFT);
  });

  it("hover on a library key: the reference as Chicago author-date prints it, and that it has no full text", async () => {
    session.client.changeDocument(session.uri, DRAFT);
    const h = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "@sakwa2015", 2)));
    assert.match(h, /Sakwa, Richard\. 2015\. \*Frontline Ukraine: Crisis in the Borderlands\*\. London: I\.B\. Tauris\./);
    assert.match(h, /\(Sakwa 2015\)/);
    assert.match(h, /refs\/refs\.json:\d+/);
    assert.match(h, /without full text/);
    const ja = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "@koizumi2022", 2)));
    assert.match(ja, /小泉悠\. 2022\. ウクライナ戦争\./);
  });

  it("hover on a corpus key that is also a library entry: the source card, then the library's authors and DOI", async () => {
    const h = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "@nikkei-2025-04-12", 2)));
    assert.match(h, /日本経済新聞/);
    assert.match(h, /From your library/);
    assert.match(h, /日本経済新聞社/);
    assert.match(h, /DOI: \[10\.9999\/nikkei\.2025\.0412\]/);
  });

  it("hover on a quote cited only to a reference says it cannot be checked", async () => {
    const h = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "本にしかない", 2)));
    assert.match(h, /@mearsheimer2014/);
    assert.match(h, /cannot be checked/);
  });

  it("definition on a library key: the key in its file (.bib, CSL-JSON, CSL YAML) or in the draft's own references", async () => {
    for (const [key, file] of [
      ["koizumi2022", "refs/refs.bib"],
      ["sakwa2015", "refs/refs.json"],
      ["trenin2016", "refs/refs.yaml"],
      ["memo2025", "draft.md"],
    ]) {
      const loc = await session.client.request<Location>("textDocument/definition", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, `@${key}`, 2) });
      assert.equal(loc.uri, session.ws.uri(file), key);
      assert.equal(textAt(file === "draft.md" ? DRAFT : fileText(loc.uri), loc.range), key);
    }
  });

  it("references with the declaration: the library entry and every draft citing the key", async () => {
    const refs = await session.client.request<Location[]>("textDocument/references", {
      textDocument: { uri: session.uri },
      position: positionOf(DRAFT, "@sakwa2015", 2),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(refs.map((r) => r.uri.slice(r.uri.lastIndexOf("/") + 1)).sort(), ["draft.md", "refs.json"]);
  });

  it("rename a library key: the key in its file and every citation, as one edit the writer accepts", async () => {
    const edit = await session.client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, "@trenin2016", 2), newName: "trenin2016fear" });
    const changes = edit.documentChanges as TextDocumentEdit[];
    const yamlEdit = changes.find((c) => c.textDocument.uri === session.ws.uri("refs/refs.yaml"))!;
    const yamlAfter = applyEdits(fixture("refs.yaml"), yamlEdit.edits);
    assert.match(yamlAfter, /- id: trenin2016fear\n/);
    const draftEdit = changes.find((c) => c.textDocument.uri === session.uri)!;
    assert.match(applyEdits(DRAFT, draftEdit.edits), /\[@trenin2016fear\]/);
    // Nothing is written by the server itself.
    assert.match(fileText(session.ws.uri("refs/refs.yaml")), /- id: trenin2016\n/);
    await assert.rejects(session.client.request("textDocument/rename", { textDocument: { uri: session.uri }, position: positionOf(DRAFT, "@trenin2016", 2), newName: "sakwa2015" }), /sakwa2015/);
  });

  it("document symbols describe library citations by author, year and title", async () => {
    const symbols = await session.client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: session.uri } });
    const s = symbols.find((x) => x.name === "@sakwa2015")!;
    assert.match(s.detail ?? "", /^Sakwa 2015 · Frontline Ukraine/);
  });

  it("the setting's library serves every draft: another draft cites from shared/*.bib", async () => {
    const uri = session.ws.uri("other.md");
    const text = fileText(uri);
    session.client.openDocument(uri, text);
    const diags = await session.client.waitForDiagnostics(uri, () => true, 30_000);
    assert.deepEqual(diags.filter((d) => d.code === "unknown-source").map((d) => textAt(text, d.range)), ["@plokhy2015"], "plokhy2015 is only in the first draft's library");
    session.client.closeDocument(uri);
  });

  it("a changed library file re-checks the open draft", async () => {
    await diagnostics();
    const path = join(session.ws.dir, "refs", "refs.json");
    const items = JSON.parse(fixture("refs.json"));
    items.push({ id: "nosuch2099", type: "book", title: "Now it exists" });
    writeFileSync(path, JSON.stringify(items, null, 2));
    session.client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: session.ws.uri("refs/refs.json"), type: 2 }] });
    const diags = await session.client.waitForDiagnostics(session.uri, (d) => !d.some((x) => x.code === "unknown-source" && textAt(DRAFT, x.range) === "@nosuch2099"), 30_000);
    assert.ok(diags.some((x) => textAt(DRAFT, x.range) === "@koizumi2021"));
    writeFileSync(path, fixture("refs.json"));
    session.client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: session.ws.uri("refs/refs.json"), type: 2 }] });
  });

  it("a large library (3,200 entries): the draft's keys are known at once, its broken entry reported once read, completion has every entry's details", async () => {
    const entries = Array.from({ length: 3_200 }, (_, i) =>
      i === 57 ? `@article{big57,\n  author = {Broken, Bob},\n  title {no equals sign},\n  year = {2001}\n}\n` : `@article{big${i},\n  author = {Author${i}, Ann},\n  title = {Large title ${i}},\n  journal = {Journal},\n  year = {${2000 + (i % 20)}}\n}\n`,
    );
    session.ws.write("refs/large.bib", entries.join("\n"));
    const uri = session.ws.uri("large.md");
    const text = "---\nbibliography: refs/large.bib\n---\n\n本文[@big5]と[@big3100]、壊れた[@big57]、無い[@big9999]。\n";
    session.client.openDocument(uri, text);
    const diags = await session.client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === "unknown-source"), 60_000);
    assert.deepEqual(diags.filter((x) => x.code === "unknown-source").map((x) => textAt(text, x.range)).sort(), ["@big57", "@big9999"], "from the first diagnostics on");
    const fileDiags: Diagnostic[] = await session.client.waitForDiagnostics(session.ws.uri("refs/large.bib"), (d) => d.length > 0, 60_000);
    assert.equal(fileDiags.find((d) => d.code === "bibliography-entry")?.range.start.line, 57 * 7 + 2, "the broken entry, with its line");
    const typed = `${text}続けて[@big310`;
    session.client.changeDocument(uri, typed);
    const items = await session.client.completion(uri, positionOf(typed, "続けて[@big310", 12));
    const item = items.find((x) => x.label === "big3100");
    assert.match(String(item?.detail), /Author3100 2000 · Large title 3100/);
    session.client.closeDocument(uri);
  });

  it("the bibliography export takes a corpus source's authors and DOI from the library entry of the same key", async () => {
    const r = await session.client.request<{ text: string }>("shutten/exportBibliography", { uri: session.uri, format: "csl-json" });
    const nikkei = JSON.parse(r.text).find((i: { id: string }) => i.id === "nikkei-2025-04-12");
    assert.equal(nikkei.DOI, "10.9999/nikkei.2025.0412");
    assert.deepEqual(nikkei.author, [{ family: "日本経済新聞社" }]);
    assert.equal(nikkei.title.length > 0, true, "the corpus's own title stays");
  });
});

describe("the reference library's cache", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "shutten-setting-cache-"));
  const session = serverSession(
    { name: "draft.md", text: "---\nbibliography: refs/refs.bib\n---\n\n小泉は戦争の構図を論じた[@koizumi2022]。\n" },
    { "refs/refs.bib": fixture("refs.bib") },
    // No SHUTTEN_CACHE_DIR: the setting decides where caches go, for the library as for the corpus.
    { env: { SHUTTEN_CACHE_DIR: "" }, settings: { shutten: { cache: { directory: cacheDir } } } },
  );
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("goes to the folder shutten.cache.directory names, beside the corpus index", async () => {
    await session.client.waitForDiagnostics(session.uri, () => true, 60_000);
    const deadline = Date.now() + 30_000;
    const kinds = () => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);
    while (!kinds().some((k) => k.startsWith("bibliography-")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const bib = kinds().find((k) => k.startsWith("bibliography-"));
    assert.ok(bib, `library cache in ${cacheDir}: ${kinds().join(", ")}`);
    assert.ok(readdirSync(join(cacheDir, bib)).length > 0, "the library's items are cached there");
    assert.ok(kinds().some((k) => k.startsWith("snapshot-") || k.startsWith("analysis-")), "the corpus index's cache is there too");
  });
});
