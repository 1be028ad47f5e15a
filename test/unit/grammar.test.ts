/**
 * The TextMate injection grammar (`syntaxes/shutten-citations.tmLanguage.json`), run by the engine
 * VS Code uses (vscode-textmate + vscode-oniguruma) over a small stand-in for VS Code's Markdown
 * grammar (`test/fixtures/markdown.tmLanguage.json`: fenced code, HTML comments, code spans,
 * autolinks). Each case names a piece of a line (found by text) and the scopes it must (not) carry.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";

const root = path.resolve(__dirname, "../..");
const INJECTION = "shutten.citation.injection";
const MARKDOWN = "text.html.markdown";

let grammarPromise: Promise<vsctm.IGrammar> | undefined;
function markdownGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(path.join(root, "node_modules/vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        const file =
          scopeName === INJECTION
            ? path.join(root, "syntaxes/shutten-citations.tmLanguage.json")
            : scopeName === MARKDOWN
              ? path.join(root, "test/fixtures/markdown.tmLanguage.json")
              : null;
        return file ? vsctm.parseRawGrammar(readFileSync(file, "utf8"), file) : null;
      },
      // What package.json's `injectTo: ["text.html.markdown"]` does inside VS Code.
      getInjections: (scopeName) => (scopeName === MARKDOWN ? [INJECTION] : undefined),
    });
    const g = await registry.loadGrammar(MARKDOWN);
    assert.ok(g, "markdown grammar did not load");
    return g;
  })();
  return grammarPromise;
}

/** Scopes of every UTF-16 unit of each line of `doc`. */
async function scopesOf(doc: string): Promise<{ text: string; scopes: string[][] }> {
  const grammar = await markdownGrammar();
  let state = vsctm.INITIAL;
  const scopes: string[][] = [];
  for (const line of doc.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (let i = 0; i < line.length; i++) {
      const tok = r.tokens.find((t) => t.startIndex <= i && i < t.endIndex);
      scopes.push(tok ? tok.scopes : []);
    }
    scopes.push([]); // the newline
    state = r.ruleStack;
  }
  return { text: doc, scopes };
}

type Expect = [piece: string, scope: string | null, occurrence?: number];

/**
 * `check(doc, [[piece, scope]…])`: every unit of `piece` (its first occurrence, or the n-th) carries
 * a scope starting with `scope`; with `null`, no unit carries any `.shutten` scope.
 */
async function check(doc: string, expected: Expect[]): Promise<void> {
  const { text, scopes } = await scopesOf(doc);
  for (const [piece, scope, occurrence = 0] of expected) {
    let at = -1;
    for (let n = 0; n <= occurrence; n++) at = text.indexOf(piece, at + 1);
    assert.ok(at >= 0, `${piece} not in ${doc}`);
    for (let i = at; i < at + piece.length; i++) {
      const s = scopes[i];
      if (scope === null) {
        assert.ok(!s.some((x) => x.includes("shutten")), `${JSON.stringify(piece)} in ${JSON.stringify(doc)}: unexpected ${s.join(" ")}`);
      } else {
        assert.ok(
          s.some((x) => x.split(" ").some((y) => y.startsWith(scope))),
          `${JSON.stringify(piece)} in ${JSON.stringify(doc)} (unit ${i - at}): want ${scope}, got ${s.join(" | ")}`,
        );
      }
    }
  }
}

const KEY = "entity.name.tag.citation-key.shutten";

test("bracketed citation", () =>
  check("と述べた[@nikkei-2025]。", [
    ["[@nikkei-2025]", "meta.citation.shutten"],
    ["[", "punctuation.definition.citation.begin"],
    ["]", "punctuation.definition.citation.end"],
    ["@", "punctuation.definition.citation-key"],
    ["nikkei-2025", KEY],
    ["nikkei-2025", "constant.other.citation-key"],
    ["と述べた", null],
    ["。", null],
  ]));

test("several items, prefixes, locators, suppress-author", () =>
  check("本文[see @a, p. 3; -@b, 第3段落]です", [
    ["see", "string.other.prefix"],
    ["@", "punctuation.definition.citation-key"],
    ["a", KEY],
    [",", "punctuation.separator.locator"],
    ["p. 3", "string.other.locator"],
    [";", "punctuation.separator.citation"],
    ["-", "keyword.operator.suppress-author"],
    ["b", KEY],
    ["第3段落", "string.other.locator"],
    ["本文", null],
    ["です", null],
  ]));

test("braced key", () =>
  check("[@{https://x.org/a?b=1}, p. 3]", [
    ["https://x.org/a?b=1", KEY],
    ["{", "punctuation.definition.citation-key.begin"],
    ["p. 3", "string.other.locator"],
  ]));

test("in-text key, with a locator, after Japanese text, after a space", async () => {
  await check("@smith2004 によると", [["@smith2004", "meta.citation.in-text"], ["smith2004", KEY], ["によると", null]]);
  await check("@smith2004 [p. 33] says", [
    ["[", "punctuation.definition.locator.begin"],
    ["p. 33", "string.other.locator"],
    ["]", "punctuation.definition.locator.end"],
    ["says", null],
  ]);
  await check("本文@nikkei です", [["nikkei", KEY], ["本文", null]]);
  await check("key with punctuation @a:b.c-d. end", [["a:b.c-d", KEY], [". end", null]]);
});

test("e-mail addresses, escapes and plain brackets are not citations", () =>
  check("mail foo@bar.com or <info@example.jp>, \\@no, [link text] and ![@img]", [
    ["foo@bar.com", null],
    ["info@example.jp", null],
    ["@no", null],
    ["[link text]", null],
    ["![", null],
  ]));

test("code spans, fenced code and HTML comments are left alone", () =>
  check("`[@a]` and ``@b`` then [@c]\n```\n[@d] @e\n```\n<!-- [@f] @g -->\n@h", [
    ["[@a]", null],
    ["@b", null],
    ["[@c]", "meta.citation.shutten"],
    ["[@d] @e", null],
    ["[@f] @g", null],
    ["@h", "meta.citation.in-text"],
  ]));
