// Shutten's own requests (server/src/lsp/protocol.ts) over the protocol: the Sources view's list,
// Insert citation's items, the timeline with the corpus's own disagreement, and the bibliography
// export in three formats — with pandoc --citeproc rendering a draft against each.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  ExportBibliographyRequest,
  PickItemsRequest,
  SourceAtRequest,
  SourcesRequest,
  TimelineRequest,
  type ExportBibliographyResult,
  type PickItem,
  type SourceAtResult,
  type SourceSummary,
  type TimelineResult,
} from "../../server/src/lsp/protocol";
import { positionOf, sampleSources, serverSession } from "./lspClient";

const DRAFT = "# メモ\n\nプーチン氏は米特使と会談した[@nikkei-2025-04-12]。\n";
const PANDOC = "/usr/bin/pandoc";

describe("custom requests", () => {
  const session = serverSession({ name: "draft.md", text: DRAFT });

  it("shutten/sources lists what `shutten sources --json` lists, with file URIs", async () => {
    const list = await session.client.request<SourceSummary[]>(SourcesRequest, { uri: session.uri });
    const cli = sampleSources();
    assert.deepEqual(list.map((s) => s.key).sort(), cli.map((s) => s.key).sort());
    for (const s of list) {
      const c = cli.find((x) => x.key === s.key)!;
      assert.equal(s.title, c.title);
      assert.ok(s.uri.endsWith(c.path.replace(/^.*corpus\//, "corpus/")), `${s.uri} vs ${c.path}`);
    }
  });

  it("shutten/pickItems offers sources, speech quotes and events with their insert text", async () => {
    const items = await session.client.request<PickItem[]>(PickItemsRequest, { uri: session.uri });
    assert.ok(items.some((i) => i.kind === "source" && i.insertText === "[@nikkei-2025-04-12]"));
    assert.ok(items.some((i) => i.kind === "quote" && i.insertText === "「検討が必要」[@findgo-trump-putin-call]"), "a quote with its citation");
    assert.ok(items.some((i) => i.kind === "event" && /2025-03-18 電話会談/.test(i.label)));
  });

  it("shutten/timeline: events by date, and the 3月14日 / 3月18日 disagreement", async () => {
    const t = await session.client.request<TimelineResult>(TimelineRequest, { uri: session.uri });
    const dates = t.days.map((d) => d.date);
    assert.ok(dates.includes("2025-03-14") && dates.includes("2025-03-18"), dates.join(", "));
    const dated = dates.filter((d) => !d.startsWith("-"));
    assert.deepEqual(dated, [...dated].sort(), "in date order");
    const c = t.conflicts.find((x) => x.predicate === "電話会談");
    assert.ok(c, JSON.stringify(t.conflicts));
    assert.deepEqual([c.a.date, c.b.date].sort(), ["2025-03-14", "2025-03-18"]);
    const ev = t.days.find((d) => d.date === "2025-03-18")!.events[0];
    assert.match(ev.location.uri, /003_da387fb42327dcfe\.txt$/);
  });

  it("shutten/sourceAt: the corpus file of the key under the cursor", async () => {
    const loc = await session.client.request<SourceAtResult>(SourceAtRequest, { uri: session.uri, position: positionOf(DRAFT, "nikkei", 2) });
    assert.ok(loc && /002_a7bcb88a404c413b\.txt$/.test(loc.uri));
  });

  for (const [format, file] of [["csl-json", "refs.json"], ["bibtex", "refs.bib"], ["pandoc-yaml", "refs.yaml"]] as const) {
    it(`exportBibliography ${format}: pandoc --citeproc renders the citation`, async (t) => {
      const out = await session.client.request<ExportBibliographyResult>(ExportBibliographyRequest, { uri: session.uri, format });
      assert.equal(out.count, 4);
      assert.ok(out.text.includes("nikkei-2025-04-12"));
      assert.ok(out.text.includes("日本経済新聞"), "Japanese kept as is");
      if (format === "csl-json") {
        const items = JSON.parse(out.text);
        const n = items.find((i: any) => i.id === "nikkei-2025-04-12");
        assert.deepEqual(n.issued, { "date-parts": [[2025, 4, 12]] });
        assert.equal(n["container-title"], "日本経済新聞");
      }
      if (!existsSync(PANDOC)) return t.skip("pandoc is not installed");
      const bib = join(session.ws.dir, file);
      writeFileSync(bib, out.text);
      const args = format === "pandoc-yaml" ? ["--citeproc", "--metadata-file", bib, "-t", "plain", join(session.ws.dir, "draft.md")] : ["--citeproc", "--bibliography", bib, "-t", "plain", join(session.ws.dir, "draft.md")];
      const r = spawnSync(PANDOC, args, { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!/\?\?|not found/i.test(r.stdout + r.stderr), `citation resolved: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /日本経済新聞/, r.stdout);
      assert.match(r.stdout, /2025/, r.stdout);
    });
  }
});
