/** package.json's contributes.configuration stays in step with the server's settings (names, defaults, descriptions in both languages). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DIAGNOSTIC_CODES } from "../../server/src/core/diagnosticCodes";
import { resolveSettings, SETTINGS_DEFAULTS } from "../../server/src/core/settings";

const root = join(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const nlsEn = JSON.parse(readFileSync(join(root, "package.nls.json"), "utf8"));
const nlsJa = JSON.parse(readFileSync(join(root, "package.nls.ja.json"), "utf8"));
const props: Record<string, { default: unknown; markdownDescription?: string; description?: string }> = pkg.contributes.configuration.properties;

/** Flattens the defaults into `shutten.a.b` names. */
function flatten(obj: Record<string, unknown>, prefix = "shutten"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}.${k}`));
    else out[`${prefix}.${k}`] = v;
  }
  return out;
}

describe("settings", () => {
  it("every server setting is declared in package.json with the same default", () => {
    for (const [name, value] of Object.entries(flatten(SETTINGS_DEFAULTS as unknown as Record<string, unknown>))) {
      assert.ok(props[name], `${name} missing from contributes.configuration`);
      assert.deepEqual(props[name].default, value, `${name} default differs`);
    }
  });

  it("every declared setting is one the server reads (or the client's trace setting)", () => {
    const known = new Set(Object.keys(flatten(SETTINGS_DEFAULTS as unknown as Record<string, unknown>)));
    for (const name of Object.keys(props)) if (name !== "shutten.trace.server") assert.ok(known.has(name), `${name} is declared but unused`);
  });

  it("there is a severity setting for every diagnostic code", () => {
    for (const code of DIAGNOSTIC_CODES) assert.ok(props[`shutten.diagnostics.${code}`], code);
  });

  it("every setting has an English and a Japanese description", () => {
    for (const [name, p] of Object.entries(props)) {
      const ref = (p.markdownDescription ?? p.description ?? "").replace(/^%|%$/g, "");
      assert.ok(nlsEn[ref], `${name}: no English description`);
      assert.ok(nlsJa[ref], `${name}: no Japanese description`);
    }
  });

  it("unknown or malformed values fall back to the defaults", () => {
    const s = resolveSettings({ corpus: { include: "not-an-array" }, diagnostics: { "quote-mismatch": "loud", "unknown-source": "off" } });
    assert.deepEqual(s.corpus.include, SETTINGS_DEFAULTS.corpus.include);
    assert.equal(s.diagnostics["quote-mismatch"], "default");
    assert.equal(s.diagnostics["unknown-source"], "off");
  });
});
