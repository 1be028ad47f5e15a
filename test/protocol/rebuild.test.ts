// Requests are answered while the index is rebuilt (SPEC §8, issue 10): a new corpus article that
// takes seconds to analyse is loaded off the server's thread, so hovers keep their answers — from
// the index before the change — until the new one is ready; then the new source is there. The
// 200 ms budget is measured by the benchmark (bench/run.ts); here a generous bound holds on a busy
// machine, and the test insists the hovers came back *during* the rebuild.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { hoverText, positionOf, serverSession } from "./lspClient";

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
