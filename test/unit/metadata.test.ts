import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseFrontMatter, renderFrontMatter } from "../../server/src/core/corpus/frontMatter";
import { loadSource } from "../../server/src/core/corpus/loadCorpus";
import { fileNameKey, inferKey, isValidCitationKey, normalizeIsoDate, parseCatalogue, parseDateline, readFields } from "../../server/src/core/corpus/metadata";

const root = join(__dirname, "..", "..");
const load = (name: string, catalogue = null) => {
  const path = join(root, "corpus", name);
  const r = loadSource(readFileSync(path), { path, relPath: name, catalogue });
  assert.ok(r.source, JSON.stringify(r.problems));
  return r.source!.meta;
};

test("inference from the text alone (no catalogue)", () => {
  const m003 = load("003_da387fb42327dcfe.txt");
  assert.equal(m003.published, "2025-03-24T08:57:00+09:00");
  assert.equal(m003.outlet, "ニューズウィーク日本版");
  assert.equal(m003.key, "newsweekjapan-2025-03-24");
  assert.equal(m003.title, "プーチン大統領とトランプ大統領...公表済みの2回の電話会談以外にも接触した可能性");
  const m002 = load("002_a7bcb88a404c413b.txt");
  assert.equal(m002.outlet, "日本経済新聞");
  assert.equal(m002.published, null, "002 never states its own month");
  assert.equal(m002.key, "002_a7bcb88a404c413b");
  assert.equal(m002.provenance?.key, "file-name");
  assert.equal(m002.title, "プーチン氏、米特使と会談 米高官「交渉停滞いら立ち」");
});

test("curation blogs: own outlet from the site header, not the quoted outlets; no quoted 公開日 as own date", () => {
  const m000 = load("000_18e08435f6f2fa29.txt");
  assert.equal(m000.outlet, "Chrysanthemum Digest");
  assert.equal(m000.published, null);
  assert.deepEqual(m000.originals, [
    "https://newsdig.tbs.co.jp/articles/-/1917069",
    "https://www.jiji.com/jc/article?k=2025041200227&g=int",
    "https://www.tokyo-np.co.jp/article/393118",
  ]);
  const m001 = load("001_ab86abc2cc8096fe.txt");
  assert.equal(m001.outlet, "Find Go");
  assert.equal(m001.published, null);
  assert.equal(m001.originals.length, 3);
});

test("precedence: front matter > catalogue > text > file name", () => {
  const text = "---\ntitle: 前付けの題\n---\n最新記事\n\n本文の見出し\n\n2025年3月24日(月)08時57分\n\n本文である。";
  const r = loadSource(Buffer.from(text), { path: "/c/x.md", relPath: "x.md", catalogue: { key: "cat-key", title: "目録の題", outlet: "ロイター" } });
  const m = r.source!.meta;
  assert.equal(m.title, "前付けの題");
  assert.equal(m.key, "cat-key");
  assert.equal(m.outlet, "ロイター");
  assert.equal(m.published, "2025-03-24T08:57:00+09:00");
  assert.deepEqual(m.provenance, { title: "front-matter", outlet: "catalogue", published: "text", key: "catalogue" });
});

test("the sample catalogue", () => {
  const cat = parseCatalogue(readFileSync(join(root, "corpus", "sources.yaml"), "utf8"));
  assert.deepEqual(cat.problems, []);
  assert.equal(cat.entries.get("002_a7bcb88a404c413b.txt")?.key, "nikkei-2025-04-12");
  assert.equal(cat.entries.get("002_a7bcb88a404c413b.txt")?.published, "2025-04-12");
  const list = parseCatalogue("- path: a.txt\n  key: a-1\n- path: b.txt\n  key: 'bad key!'\n  published: 2025/4/1\n");
  assert.equal(list.entries.get("a.txt")?.key, "a-1");
  assert.equal(list.entries.get("b.txt")?.key, undefined);
  assert.equal(list.entries.get("b.txt")?.published, "2025-04-01");
  assert.equal(list.problems.length, 1);
});

test("keys follow Pandoc's rules", () => {
  for (const k of ["nikkei-2025-04-12", "_x", "a:b.c", "2025", "日経-1", "a/b"]) assert.ok(isValidCitationKey(k), k);
  for (const k of ["", "-a", "a-", "a b", "a,b", "@a", "a]"]) assert.ok(!isValidCitationKey(k), k);
  assert.equal(inferKey("日本経済新聞", "2025-04-12", "x.txt"), "nikkei-2025-04-12");
  assert.equal(inferKey("Arab News", "2025-03-01T10:00:00Z", "x.txt"), "arabnews-2025-03-01");
  assert.equal(inferKey("地方新聞社", "2025-03-01", "dir/記事 01.txt"), "記事-01");
  fc.assert(fc.property(fc.string(), (s) => isValidCitationKey(fileNameKey(s))));
});

test("dates", () => {
  assert.equal(parseDateline("2025年3月24日(月)08時57分"), "2025-03-24T08:57:00+09:00");
  assert.equal(parseDateline("公開日:2025/04/12"), "2025-04-12");
  assert.equal(normalizeIsoDate("2025-03-24T08:57:00+09:00"), "2025-03-24T08:57:00+09:00");
  assert.equal(normalizeIsoDate("2025-13-01"), null);
});

test("front matter: broken YAML reported with its line, body still loads; unclosed is fatal", () => {
  const broken = parseFrontMatter("---\nkey: k\noriginals:\n  - [oops\n---\n本文");
  assert.equal(broken.fatal, false);
  assert.equal(broken.data, null);
  assert.equal(broken.bodyStart, "---\nkey: k\noriginals:\n  - [oops\n---\n".length);
  assert.ok(broken.problems[0].line! >= 3, JSON.stringify(broken.problems));
  assert.match(broken.problems[0].message, /its metadata is ignored/);
  const unclosed = parseFrontMatter("---\nkey: k\n本文");
  assert.equal(unclosed.fatal, true);
  const none = parseFrontMatter("本文\n---\n");
  assert.equal(none.span, null);
  const crlf = parseFrontMatter("---\r\nkey: k\r\n---\r\n本文");
  assert.deepEqual(crlf.data, { key: "k" });
  assert.equal("---\r\nkey: k\r\n---\r\n本文".slice(crlf.bodyStart), "本文");
});

test("front matter that YAML rejects but whose lines are all `name: value` is read as typed, with a warning", () => {
  for (const [line, title] of [
    ["title: [速報] 港市が図書館を無料化", "[速報] 港市が図書館を無料化"],
    ["title: 山田市長: 図書館を無料に", "山田市長: 図書館を無料に"],
    ["title: {速報} 見出し # 注記", "{速報} 見出し"],
  ]) {
    const fm = parseFrontMatter(`---\nkey: minato-c\n${line}\noutlet: 架空日報\n---\n本文`);
    assert.deepEqual(fm.data, { key: "minato-c", title, outlet: "架空日報" }, line);
    assert.equal(fm.problems.length, 1, line);
    assert.match(fm.problems[0].message, /line 3.*read line by line as the text written — put such a value in quotes/, line);
  }
});

test("front matter values keep the characters typed: YAML's implicit numbers, booleans and dates are text", () => {
  const fm = parseFrontMatter("---\nkey: 001\ntitle: 2024\noutlet: NO\nurl: 0x1F\nid2: 1e3\nv: 2024.10\npublished: 2024-05-10\nempty:\nnull1: ~\nq: \"~\"\n---\n本文");
  assert.deepEqual(fm.data, { key: "001", title: "2024", outlet: "NO", url: "0x1F", id2: "1e3", v: "2024.10", published: "2024-05-10", empty: null, null1: null, q: "~" });
  assert.deepEqual(fm.problems, []);
  for (const key of ["001", "2024.10", "1e3", "0x1F", "no", "2024-05-10", "yes", "on"]) {
    const one = parseFrontMatter(`---\nkey: ${key}\ntitle: t\n# a comment sends the block to the YAML library\n---\n本文`);
    assert.equal(one.data?.key, key);
    assert.equal(readFields(one.data!).entry.key, key);
  }
});

test("property: front matter round-trips and the body starts exactly after it", () => {
  // Metadata is text: what the writer typed comes back as typed.
  const value = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }));
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1 }).filter((k) => k !== "__proto__"), value, { maxKeys: 5 }), fc.string(), (data, body) => {
      const text = renderFrontMatter(data) + body;
      const fm = parseFrontMatter(text);
      assert.deepEqual(fm.problems, []);
      assert.deepEqual(fm.data, Object.assign({}, data));
      assert.equal(text.slice(fm.bodyStart), body);
    }),
  );
  void stringify;
});
