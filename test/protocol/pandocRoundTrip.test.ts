// Pandoc end to end: a draft citing corpus sources and references from a .bib, a CSL-JSON and a
// CSL YAML file and its own `references:` renders with `pandoc --citeproc`, using the writer's
// bibliography plus the corpus as Shutten exports it (*Export bibliography*, through the built
// server), and every citation resolves — no `???`, no "citation not found" — while Shutten, on
// the same draft, reports no unknown key either.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot, serverSession } from "./lspClient";

const PANDOC = process.env.PANDOC ?? "/usr/bin/pandoc";
const pandocBin = existsSync(PANDOC) ? PANDOC : "pandoc";
const hasPandoc = spawnSync(pandocBin, ["--version"]).status === 0;
const fixture = (name: string) => readFileSync(join(repoRoot, "test", "fixtures", "bibliography", name), "utf8");

const DRAFT = [
  "---",
  "title: 停戦交渉の経緯",
  "bibliography:",
  "  - refs/refs.bib",
  "  - refs/refs.json",
  "  - refs/refs.yaml",
  "  - corpus.json",
  "references:",
  "- id: memo2025",
  "  type: report",
  "  title: 社内メモ",
  "  author:",
  "  - literal: 編集部",
  "  issued: 2025-04-01",
  "---",
  "",
  "米ロの協議は続いた[@nikkei-2025-04-12]。電話会談も報じられた[@newsweekjapan-2025-03-24; @findgo-trump-putin-call]。",
  "",
  "背景は[@koizumi2022, 第3章]と[@mearsheimer2014]、@plokhy2015 に詳しい。",
  "",
  "異論もある[@sakwa2015; @shimotomai2016]。[@trenin2016]と[@hakamada2022]も参照。社内の整理は[@memo2025]。",
  "",
].join("\n");

describe("Pandoc round trip", { skip: !hasPandoc && "pandoc is not installed (.ci/setup-tools.sh installs it)" }, () => {
  const session = serverSession(
    { name: "draft.md", text: DRAFT },
    { "refs/refs.bib": fixture("refs.bib"), "refs/refs.json": fixture("refs.json"), "refs/refs.yaml": fixture("refs.yaml") },
  );

  it("every citation of corpus and library keys resolves in pandoc --citeproc's output", async () => {
    // Shutten sees every key: no unknown-source (the draft names corpus.json, not yet written: only that file is missing).
    const diags = await session.client.waitForDiagnostics(session.uri, () => true, 60_000);
    assert.deepEqual(
      diags.filter((d) => d.code === "unknown-source"),
      [],
    );
    const exported = await session.client.request<{ text: string; count: number }>("shutten/exportBibliography", { uri: session.uri, format: "csl-json" });
    assert.ok(exported.count >= 4);
    writeFileSync(join(session.ws.dir, "corpus.json"), exported.text);

    const r = spawnSync(pandocBin, ["--citeproc", "-f", "markdown", "-t", "plain", "--wrap=none", "draft.md"], { cwd: session.ws.dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\?\?\?/, r.stdout);
    assert.doesNotMatch(r.stderr, /not found/i, r.stderr);
    // Each kind of source is rendered from its entry: in-text citations, then the bibliography.
    for (const expected of ["Plokhy (2015)", "Mearsheimer 2014", "Sakwa 2015", "Trenin 2016", "小泉 2022", "下斗米 2016", "袴田 茂樹 2022", "編集部 2025", "日本経済新聞社 2025"]) {
      assert.ok(r.stdout.includes(expected), `${expected} in:\n${r.stdout}`);
    }
    assert.match(r.stdout, /The Gates of Europe/);
    assert.match(r.stdout, /ウクライナ戦争/);
    // A corpus source without a library entry is cited from the corpus export (its outlet and title).
    assert.match(r.stdout, /ニューズウィーク日本版/);
  });
});
