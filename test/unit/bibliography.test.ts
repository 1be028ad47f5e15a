// Bibliography export in the core: CSL items from source metadata, and the three formats.
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { exportBibliography, toCslItem } from "../../server/src/core/export/bibliography";
import { sampleCorpus, type SampleCorpus } from "./featureFixture";

let corpus: SampleCorpus;
before(async () => {
  corpus = await sampleCorpus();
});

describe("bibliography (core)", () => {
  it("a source becomes a CSL newspaper article with its date parts", () => {
    const item = toCslItem(corpus.index.get("newsweekjapan-2025-03-24")!);
    assert.equal(item.type, "article-newspaper");
    assert.equal(item["container-title"], "ニューズウィーク日本版");
    assert.deepEqual(item.issued, { "date-parts": [[2025, 3, 24]] });
    assert.equal(toCslItem(corpus.index.get("findgo-trump-putin-call")!).issued, undefined, "no invented date");
  });

  it("CSL-JSON, BibTeX (keys as labels, Japanese kept) and Pandoc YAML", () => {
    const sources = corpus.index.sources;
    const csl = JSON.parse(exportBibliography(sources, "csl-json").text);
    assert.deepEqual(csl.map((i: { id: string }) => i.id).sort(), sources.map((s) => s.meta.key).sort());
    const bib = exportBibliography(sources, "bibtex").text;
    for (const s of sources) assert.match(bib, new RegExp(`@\\w+\\{${s.meta.key},`));
    assert.match(bib, /日本経済新聞/);
    const yamlText = exportBibliography(sources, "pandoc-yaml").text;
    assert.match(yamlText, /^---\n/);
    const refs = parse(yamlText.replace(/^---\n/, "").replace(/---\n$/, "")).references;
    assert.equal(refs.length, sources.length);
    assert.ok(refs.every((r: Record<string, unknown>) => typeof r.id === "string" && !("citation-key" in r)));
  });
});
