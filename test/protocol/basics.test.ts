// The foundation's wiring over the protocol: the built server answers initialize, completes source
// keys after `[@`, shows a source's title on hover, and publishes `unknown-source` for a key that
// is not in the corpus. Keys and titles come from `shutten sources --json`, not from this file.
import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import type { CompletionItem, Diagnostic } from "vscode-languageserver-protocol";
import {
  createWorkspace,
  hoverText,
  positionOf,
  sampleSources,
  startServer,
  textAt,
  type LspClient,
  type SourceInfo,
  type TestWorkspace,
} from "./lspClient";

const UNKNOWN_KEY = "nosuch-2099-01-01";

describe("protocol basics", () => {
  let sources: SourceInfo[];
  let known: SourceInfo;
  let ws: TestWorkspace;
  let client: LspClient;
  let draft: string;
  let uri: string;
  let firstDiagnostics: Diagnostic[];

  before(async () => {
    sources = sampleSources();
    known = sources.find((s) => s.key.startsWith("nikkei") || s.path.includes("002_")) ?? sources[0];
    draft = [
      "# 停戦交渉のメモ",
      "",
      `プーチン氏は米特使と会談した[@${known.key}]。`,
      "",
      `出典のない主張もある[@${UNKNOWN_KEY}]。`,
      "",
      "新しい引用: ",
      "",
    ].join("\n");
    ws = createWorkspace({ "draft.md": draft });
    uri = ws.uri("draft.md");
    client = await startServer({ workspace: ws.dir });
    client.openDocument(uri, draft);
    // Warm-up: the first diagnostics mean the corpus is indexed and the draft checked.
    firstDiagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0, 60_000);
  });

  after(async () => {
    await client?.stop();
    ws?.dispose();
  });

  it("lists the four sample sources through the CLI", () => {
    assert.equal(sources.length, 4, JSON.stringify(sources, null, 2));
    assert.ok(known.title, `the sample source ${known.key} has a title`);
  });

  it("advertises completion with `@` as a trigger, and hover", () => {
    const caps = client.initializeResult.capabilities;
    assert.ok(caps.completionProvider, "completionProvider");
    assert.ok(caps.completionProvider.triggerCharacters?.includes("@"), `trigger characters: ${caps.completionProvider.triggerCharacters}`);
    assert.ok(caps.hoverProvider, "hoverProvider");
  });

  it("publishes unknown-source at the unknown key, and nothing at the known one", () => {
    const unknown = firstDiagnostics.filter((d) => d.code === "unknown-source");
    assert.equal(unknown.length, 1, JSON.stringify(firstDiagnostics, null, 2));
    const [d] = unknown;
    assert.equal(d.source, "shutten");
    assert.equal(d.severity, 1, "unknown-source is an error by default");
    assert.match(textAt(draft, d.range), new RegExp(UNKNOWN_KEY), `range covers the key: ${JSON.stringify(textAt(draft, d.range))}`);
    assert.deepEqual(d.range.start.line, positionOf(draft, UNKNOWN_KEY).line);
    const onKnown = firstDiagnostics.filter((x) => x.code === "unknown-source" && textAt(draft, x.range).includes(known.key));
    assert.deepEqual(onKnown, []);
  });

  it("completes every source key, with its title, after `[@`", async () => {
    const text = draft.replace("新しい引用: ", "新しい引用: [@]");
    client.changeDocument(uri, text);
    const items = await client.completion(uri, positionOf(text, "新しい引用: [@", "新しい引用: [@".length), "@");
    const byKey = new Map<string, CompletionItem>(items.map((i) => [i.filterText ?? i.label, i]));
    for (const s of sources) {
      const item = items.find((i) => i.label === s.key || i.filterText === s.key || i.insertText === s.key);
      assert.ok(item, `completion lists ${s.key}; got ${[...byKey.keys()].join(", ")}`);
      if (s.title) {
        let shown = JSON.stringify([item.detail, item.labelDetails, item.documentation]);
        if (!shown.includes(s.title) && client.initializeResult.capabilities.completionProvider?.resolveProvider) {
          const resolved = await client.request<CompletionItem>("completionItem/resolve", item);
          shown = JSON.stringify([resolved.detail, resolved.labelDetails, resolved.documentation]);
        }
        assert.ok(shown.includes(s.title), `completion of ${s.key} shows its title ${s.title}; got ${shown}`);
      }
    }
    client.changeDocument(uri, draft);
  });

  it("also completes straight after Japanese text with no space (本文[@)", async () => {
    const text = draft.replace("新しい引用: ", "新しい引用[@");
    client.changeDocument(uri, text);
    const items = await client.completion(uri, positionOf(text, "新しい引用[@", "新しい引用[@".length), "@");
    assert.ok(items.some((i) => i.label === known.key), `got ${items.map((i) => i.label).join(", ")}`);
    client.changeDocument(uri, draft);
  });

  it("offers nothing outside a citation", async () => {
    const items = await client.completion(uri, positionOf(draft, "# 停戦", 1));
    assert.ok(!items.some((i) => i.label === known.key), `got ${items.map((i) => i.label).join(", ")}`);
  });

  it("shows the source's title on hover over a key", async () => {
    const hover = await client.hover(uri, positionOf(draft, known.key, 3));
    const text = hoverText(hover);
    assert.ok(known.title && text.includes(known.title), `hover: ${text}`);
  });

  it("shows no source card over a heading without citations", async () => {
    const hover = await client.hover(uri, positionOf(draft, "停戦交渉", 1));
    assert.ok(!hoverText(hover).includes(known.title ?? "\u0000"), `hover: ${hoverText(hover)}`);
  });

  it("re-checks on edit: fixing the key clears the problem", async () => {
    const fixed = draft.replace(UNKNOWN_KEY, known.key);
    client.changeDocument(uri, fixed);
    const diags = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === "unknown-source"));
    assert.deepEqual(diags.filter((d) => d.code === "unknown-source"), []);
    client.changeDocument(uri, draft);
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === "unknown-source"));
  });
});
