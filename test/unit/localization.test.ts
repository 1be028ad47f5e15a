/**
 * Every string the extension shows exists in Japanese: each `vscode.l10n.t("…")` in client/ has an
 * entry in l10n/bundle.l10n.ja.json, every `%key%` of package.json is in both package.nls files, and
 * the server's diagnostic messages have both languages.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { msg } from "../../server/src/core/check/messages";

const root = join(__dirname, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("localisation", () => {
  it("every l10n.t string of the client has a Japanese translation", () => {
    const bundle = JSON.parse(read("l10n/bundle.l10n.ja.json")) as Record<string, string>;
    const missing: string[] = [];
    for (const f of readdirSync(join(root, "client/src")).filter((x) => x.endsWith(".ts"))) {
      const src = read(`client/src/${f}`);
      for (const m of src.matchAll(/l10n\.t\(\s*("(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)/g)) {
        const key = m[1].startsWith("`") ? m[1].slice(1, -1) : (JSON.parse(m[1]) as string);
        if (!(key in bundle)) missing.push(`${f}: ${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it("every %key% of the manifest is in package.nls.json and package.nls.ja.json", () => {
    const en = JSON.parse(read("package.nls.json"));
    const ja = JSON.parse(read("package.nls.ja.json"));
    const keys = [...read("package.json").matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 10);
    for (const k of keys) {
      assert.ok(en[k], `${k} missing in English`);
      assert.ok(ja[k], `${k} missing in Japanese`);
    }
  });

  it("a quote found in thousands of sources names a few of them and says how many more, in both languages", () => {
    const keys = Array.from({ length: 1200 }, (_, i) => `wire-${i}`);
    const en = msg("en").quoteWrongSource(["cited"], keys);
    const ja = msg("ja").uncitedQuote(keys);
    assert.match(en, /@wire-0, @wire-1, @wire-2 and 1,197 more\.$/);
    assert.match(ja, /@wire-2 ほか1,197件 にあります/);
    assert.ok(!en.includes("@wire-3") && !ja.includes("@wire-3"));
    assert.equal(msg("en").uncitedQuote(["a", "b"]), "Uncited quote: the corpus has these words in @a, @b; add a citation.");
  });

  it("diagnostic messages exist in both languages and differ", () => {
    const en = msg("en");
    const ja = msg("ja");
    assert.notEqual(en.quoteNotFound(), ja.quoteNotFound());
    assert.match(ja.dateMismatch("3月31日", "3月30日", "k"), /日付の不一致/);
    assert.deepEqual(Object.keys(en).sort(), Object.keys(ja).sort());
  });
});
