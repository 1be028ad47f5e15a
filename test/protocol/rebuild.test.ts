// Requests are answered while the index is rebuilt (SPEC §8, issue 10): a new corpus article that
// takes seconds to analyse is loaded off the server's thread, so hovers keep their answers — from
// the index before the change — until the new one is ready; then the new source is there. The
// 200 ms budget is measured by the benchmark (bench/run.ts); here a generous bound holds on a busy
// machine, and the test insists the hovers came back *during* the rebuild.
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { hoverText, positionOf, sampleSources, serverSession } from "./lspClient";

const DRAFT = "# メモ\n\nプーチン氏は11日、ウィットコフ特使と会談した[@nikkei-2025-04-12]。\n";

/** A long article of varied sentences (several seconds of analysis). */
function longArticle(chars: number): string {
  const names = ["トランプ", "プーチン", "ゼレンスキー", "マクロン", "ラブロフ", "ルビオ", "ペスコフ", "ウィトコフ"];
  const lines = ["長い報告書", "", "2025年3月1日", ""];
  let n = 0;
  for (let i = 0; n < chars; i++) {
    const s = `${names[i % names.length]}氏は${1 + (i % 28)}日、${names[(i * 3 + 1) % names.length]}氏と${i % 7}時間にわたり協議し、第${i}回の会合で「停戦の条件を詰める必要がある」と述べた。`;
    lines.push(s, "");
    n += s.length + 2;
  }
  return lines.join("\n");
}

describe("requests during a rebuild", () => {
  const session = serverSession({ name: "draft.md", text: DRAFT });

  it("a hover is answered while a large new article is analysed, and the article is indexed after", async () => {
    const { client, ws, uri } = session;
    const at = positionOf(DRAFT, "@nikkei-2025-04-12", 3);
    assert.match(hoverText(await client.hover(uri, at)), /日本経済新聞/);
    const logsBefore = client.notifications.length;
    const added = ws.write("corpus/zz-long-report.txt", longArticle(400_000));
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: added, type: 1 }] });
    const indexed = client.waitForNotification("window/logMessage", (p: { message: string }) => /indexed 5 sources/.test(p.message), { timeoutMs: 240_000, includePast: false });
    let done = false;
    void indexed.then(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      const t0 = performance.now();
      const h = await client.hover(uri, at);
      latencies.push(performance.now() - t0);
      assert.match(hoverText(h), /日本経済新聞/, "answered from the index before the change");
      await new Promise((r) => setTimeout(r, 25));
    }
    await indexed;
    const slow = latencies.map((l, i) => [i, Math.round(l)]).filter(([, l]) => l > 300);
    console.log(`hovers during the rebuild: ${latencies.length}, max ${Math.max(...latencies).toFixed(0)} ms; slow ones (index, ms): ${JSON.stringify(slow)}`);
    assert.ok(latencies.length >= 3, `the hovers came back during the rebuild (${latencies.length} did)`);
    assert.ok(Math.max(...latencies) < 2_000, `no hover waited for the analysis (max ${Math.max(...latencies).toFixed(0)} ms)`);
    assert.ok(client.notifications.length > logsBefore);
    const sources = (await client.request("shutten/sources", {})) as { key: string }[] | { sources: { key: string }[] };
    const list = Array.isArray(sources) ? sources : sources.sources;
    assert.ok(list.some((s) => /zz-long-report/.test(s.key)), "the new article is a source now");
  });
});

/** A generated article of about `chars` characters (its own names and numbers, so each analyses afresh). */
function article(n: number, chars: number): string {
  const lines = [`続報第${n}号 交渉の行方`, "", `2025年4月${1 + (n % 28)}日`, ""];
  let len = 0;
  for (let i = 0; len < chars; i++) {
    const s = `第${n}回会合で代表団の${i + 1}人目は${1 + ((n + i) % 12)}月${1 + (i % 28)}日、「協議${n}の${i}番目の論点を詰める必要がある」と述べ、${(n * 7 + i) % 90}分にわたり説明した。`;
    lines.push(s, "");
    len += s.length + 2;
  }
  return lines.join("\n");
}

describe("requests while the whole corpus is indexed again", () => {
  const session = serverSession({ name: "draft.md", text: DRAFT });

  it("a hover sent during a full re-index is answered from the old index before the re-index finishes, and no request sees a half-built index", async () => {
    const { client, ws, uri } = session;
    const at = positionOf(DRAFT, "@nikkei-2025-04-12", 3);
    const sourcesNow = async () => {
      const r = (await client.request("shutten/sources", {})) as { key: string }[] | { sources: { key: string }[] };
      return (Array.isArray(r) ? r : r.sources).length;
    };
    const before = await sourcesNow();
    // More new articles at once than a change may bring (a tenth of the corpus, at least 64): the
    // whole corpus is built again, the new articles analysed for the first time.
    const count = 80;
    for (let n = 0; n < count; n++) ws.write(`corpus/zz-batch-${String(n).padStart(3, "0")}.txt`, article(n, 3000));
    const indexed = client.waitForNotification("window/logMessage", (p: { message: string }) => new RegExp(`indexed ${before + count} sources`).test(p.message), { timeoutMs: 600_000, includePast: false });
    let done = false;
    void indexed.then(() => (done = true));
    const reindex = client.request("shutten/reindex", {});
    const latencies: number[] = [];
    const seen = new Set<number>();
    let answeredWhileIndexing = 0;
    while (!done) {
      const t0 = performance.now();
      const [h, n, status] = await Promise.all([
        client.hover(uri, at),
        sourcesNow(),
        client.request("shutten/status", {}) as Promise<{ indexing: boolean }[]>,
      ]);
      latencies.push(performance.now() - t0);
      assert.match(hoverText(h), /日本経済新聞/, "the hover has its answer, from the index before the re-index");
      seen.add(n);
      if (status.some((s) => s.indexing)) answeredWhileIndexing++;
      await new Promise((r) => setTimeout(r, 20));
    }
    await indexed;
    await reindex;
    console.log(`requests during the full re-index: ${latencies.length}, max ${Math.max(...latencies).toFixed(0)} ms`);
    assert.ok(answeredWhileIndexing >= 3, `requests were answered while the corpus was being indexed (${answeredWhileIndexing} were)`);
    assert.deepEqual(
      [...seen].filter((n) => n !== before && n !== before + count),
      [],
      "every request saw the old index or the new one, never one part-built",
    );
    assert.ok(Math.max(...latencies) < 2_000, `no request waited for the re-index (max ${Math.max(...latencies).toFixed(0)} ms)`);
    assert.equal(await sourcesNow(), before + count, "the new articles are sources after it");
  });
});

describe("diagnostics after one corpus file changes", () => {
  const QUOTE = "停戦交渉は来週にも再開される見通しだ";
  const text = `# メモ\n\nペスコフ報道官は「${QUOTE}」と述べた[@nikkei-2025-04-12]。\n`;
  const session = serverSession({ name: "quote.md", text });

  it("a quote missing from its source is reported, and no longer once the source file says it (and again when it stops)", async () => {
    const { client, ws, uri } = session;
    const notFound = (d: { code?: string | number; range: { start: { character: number } } }[]) => d.some((x) => x.code === "quote-not-found" || x.code === "quote-mismatch");
    await client.waitForDiagnostics(uri, notFound, 60_000);
    const source = sampleSources(join(ws.dir, "corpus")).find((s) => s.key === "nikkei-2025-04-12")!;
    const original = readFileSync(source.path, "utf8");
    // The sentence goes into the article's text (a line after its footer would be cleaned away).
    writeFileSync(source.path, original.replace("。", `。ペスコフ報道官は記者団に「${QUOTE}」と述べた。`));
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(source.path).href, type: 2 }] });
    await client.waitForDiagnostics(uri, (d) => !notFound(d), 120_000);
    writeFileSync(source.path, original);
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(source.path).href, type: 2 }] });
    await client.waitForDiagnostics(uri, notFound, 120_000);
  });
});
