// Completion over the protocol: keys after `[@`/`本文@`, quotes after 「 typed in kana or kanji
// (inserting the exact words, the closing mark and the citation as one snippet), events by date,
// entity names; and the latency of ~200 requests, printed (never asserted: budgets are benchmarked).
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { CompletionItem } from "vscode-languageserver-protocol";
import { applyEdits, percentiles, snippetText } from "./edits";
import { positionOf, serverSession } from "./lspClient";

const BASE = "# メモ\n\nプーチン氏は米特使と会談した[@nikkei-2025-04-12]。\n\n";

/** Accepts a completion item as an editor does: its textEdit, snippet syntax removed. */
function accept(text: string, item: CompletionItem): string {
  const edit = item.textEdit as { range: any; newText: string };
  return applyEdits(text, [{ range: edit.range, newText: item.insertTextFormat === 2 ? snippetText(edit.newText) : edit.newText }]);
}

describe("completion", () => {
  const session = serverSession({ name: "draft.md", text: BASE });

  async function completeAt(text: string, needle: string, trigger?: string): Promise<CompletionItem[]> {
    session.client.changeDocument(session.uri, text);
    return session.client.completion(session.uri, positionOf(text, needle, needle.length), trigger);
  }

  it("「けんとう (kana) offers 「検討が必要」 and inserts the words, 」 and the citation", async () => {
    const text = BASE + "プーチン氏は「けんとう";
    const items = await completeAt(text, "「けんとう", "「");
    const item = items.find((i) => i.label === "検討が必要");
    assert.ok(item, `got ${items.map((i) => i.label).join(" | ")}`);
    assert.equal(items[0].label, "検討が必要", "the best match comes first");
    assert.equal(item.insertTextFormat, 2, "a snippet");
    assert.equal(accept(text, item), BASE + "プーチン氏は「検討が必要」[@findgo-trump-putin-call]");
    assert.equal(item.documentation, undefined, "the documentation waits for completionItem/resolve");
    const resolved = await session.client.request<CompletionItem>("completionItem/resolve", item);
    assert.match(JSON.stringify(resolved.documentation), /\*\*検討が必要\*\*/, "the resolved documentation shows the source sentence, quote in bold");
    assert.match(item.detail ?? "", /プーチン/, "the speaker is in the detail");
  });

  it("「検討 (kanji) finds the same quote; an auto-closed 」 is replaced, not doubled", async () => {
    const text = BASE + "プーチン氏は「検討」と述べた。";
    session.client.changeDocument(session.uri, text);
    const items = await session.client.completion(session.uri, positionOf(text, "「検討", 3));
    const item = items.find((i) => i.label === "検討が必要");
    assert.ok(item, `got ${items.map((i) => i.label).join(" | ")}`);
    assert.equal(accept(text, item), BASE + "プーチン氏は「検討が必要」[@findgo-trump-putin-call]と述べた。");
  });

  it("a quote typed in the middle (ていせん) ranks quotes holding it, capped", async () => {
    const items = await completeAt(BASE + "「ていせん", "「ていせん");
    assert.ok(items.length > 0 && items.length <= 50, `${items.length} items`);
    assert.ok(items.some((i) => i.label.startsWith("停戦に向けた交渉")), items.map((i) => i.label).join(" | "));
  });

  it("keys after 本文@ with no space, with title, outlet and date", async () => {
    const items = await completeAt(BASE + "本文@", "本文@", "@");
    const nikkei = items.find((i) => i.label === "nikkei-2025-04-12");
    assert.ok(nikkei, items.map((i) => i.label).join(", "));
    assert.match(nikkei.detail ?? "", /日本経済新聞/);
    assert.match(nikkei.detail ?? "", /2025-04-12/);
    // Pandoc reads `本文@key` as text, so the key goes in brackets: `本文[@key]`.
    assert.equal(accept(BASE + "本文@", nikkei), BASE + "本文[@nikkei-2025-04-12]");
  });

  it("events by date after [@3月18日 insert the reporting source's key", async () => {
    const text = BASE + "電話会談[@3月18日";
    const items = await completeAt(text, "[@3月18日");
    const event = items.find((i) => i.kind === 23 /* Event */);
    assert.ok(event, items.map((i) => i.label).join(" | "));
    assert.match(event.label, /2025-03-18 電話会談/);
    assert.equal(accept(text, event), BASE + "電話会談[@newsweekjapan-2025-03-24");
  });

  it("events after a date in prose: 3月18日 → the happening and its citation", async () => {
    const text = BASE + "両首脳は3月18日";
    const items = await completeAt(text, "3月18日");
    const event = items.find((i) => i.kind === 23);
    assert.ok(event, items.map((i) => i.label).join(" | "));
    assert.equal(accept(text, event), BASE + "両首脳は3月18日の電話会談[@newsweekjapan-2025-03-24]");
  });

  it("entity names after part of a name, in katakana or hiragana", async () => {
    for (const typed of ["会談したゼレン", "会談したぜれん"]) {
      const text = BASE + typed;
      const items = await completeAt(text, typed);
      const entity = items.find((i) => i.label === "ゼレンスキー");
      assert.ok(entity, `${typed}: ${items.map((i) => i.label).join(", ")}`);
      assert.equal(accept(text, entity), BASE + "会談したゼレンスキー");
    }
  });

  it("latency: p50/p95/p99 over 200 requests (printed)", async () => {
    const typed = ["「けんとう", "「検討", "「ていせん", "「ろしあ", "「と", "本文[@", "本文[@nik", "両首脳は3月18日", "会談したプー", "「あらゆる"];
    const docs = typed.map((t) => BASE + "本文。" + t);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const text = docs[i % docs.length];
      session.client.changeDocument(session.uri, text);
      const t0 = performance.now();
      await session.client.completion(session.uri, positionOf(text, typed[i % typed.length], typed[i % typed.length].length));
      times.push(performance.now() - t0);
    }
    const p = percentiles(times);
    console.log(`completion latency on the sample corpus (ms): p50 ${p.p50}, p95 ${p.p95}, p99 ${p.p99}, max ${p.max} over ${p.n} requests`);
    session.client.changeDocument(session.uri, BASE);
  });
});
