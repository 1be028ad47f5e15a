// Hover over the protocol: a key shows the source card; a quote shows the source sentence with the
// quote in bold and its speaker; a date shows the corpus's events of that date and who reports them;
// a cited claim shows the aligned passage. Latency of ~200 hovers is printed, not asserted.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { percentiles } from "./edits";
import { hoverText, positionOf, textAt, serverSession } from "./lspClient";

const DRAFT = [
  "# メモ",
  "",
  "プーチン大統領は提案を「検討が必要」と発言した[@findgo-trump-putin-call]。",
  "",
  "トランプ氏は「ロシアは行動しなければならない」と述べた[@nikkei-2025-04-12]。",
  "",
  "両首脳の電話会談は今年に入り2月12日と3月18日の2回が公表されている[@newsweekjapan-2025-03-24]。",
  "",
  "何も引用しない文。",
  "",
].join("\n");

describe("hover", () => {
  const session = serverSession({ name: "draft.md", text: DRAFT });

  it("on a key: the source card with title and outlet", async () => {
    const text = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "@nikkei-2025-04-12", 3)));
    assert.match(text, /プーチン氏、米特使と会談/);
    assert.match(text, /日本経済新聞/);
  });

  it("on a quote: the source sentence, the quote in bold, and its speaker", async () => {
    const hover = await session.client.hover(session.uri, positionOf(DRAFT, "検討が必要", 2));
    const text = hoverText(hover);
    assert.match(text, /\*\*検討が必要\*\*/, text);
    assert.match(text, /ゼレンスキー大統領/, "the sentence around the quote");
    assert.match(text, /(Speaker|発言者): プーチン/, text);
    assert.equal(textAt(DRAFT, hover!.range!), "検討が必要");
  });

  it("on a quote in the cited source: its speaker there", async () => {
    const text = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "ロシアは行動", 2)));
    assert.match(text, /\*\*ロシアは行動しなければならない\*\*/, text);
    assert.match(text, /(Speaker|発言者): トランプ/, text);
  });

  it("on a date: the events of that date and the sources reporting them", async () => {
    const hover = await session.client.hover(session.uri, positionOf(DRAFT, "3月18日", 1));
    const text = hoverText(hover);
    assert.match(text, /3月18日/, text);
    assert.match(text, /2025-03-18 \*\*電話会談\*\*/, text);
    assert.match(text, /@newsweekjapan-2025-03-24/, text);
    assert.equal(textAt(DRAFT, hover!.range!), "3月18日");
  });

  it("on a cited claim: the aligned passage of the cited source", async () => {
    const text = hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "公表されている", 2)));
    assert.match(text, /@newsweekjapan-2025-03-24/, text);
    assert.match(text, /2回が公表されているが/, "the source's own words");
  });

  it("nothing on a sentence that cites nothing", async () => {
    assert.equal(hoverText(await session.client.hover(session.uri, positionOf(DRAFT, "何も引用", 2))), "");
  });

  it("latency: p50/p95/p99 over 200 hovers (printed)", async () => {
    const targets = [["@nikkei-2025-04-12", 3], ["検討が必要", 2], ["3月18日", 1], ["公表されている", 2], ["ロシアは行動", 2]] as const;
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const [needle, at] = targets[i % targets.length];
      const t0 = performance.now();
      await session.client.hover(session.uri, positionOf(DRAFT, needle, at));
      times.push(performance.now() - t0);
    }
    const p = percentiles(times);
    console.log(`hover latency on the sample corpus (ms): p50 ${p.p50}, p95 ${p.p95}, p99 ${p.p99}, max ${p.max} over ${p.n} requests`);
  });
});
