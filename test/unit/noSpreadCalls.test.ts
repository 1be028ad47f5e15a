/**
 * No array of input-decided length is spread into a call: `xs.push(...ys)` and `Math.max(...xs)`
 * pass every element as an argument, and a few hundred thousand of them overflow the stack (a
 * draft of 125,000 unbalanced 「 crashed the check with `Maximum call stack size exceeded`). The
 * code uses `pushAll`, `maxOf` and `minOf` (core/arrays.ts) instead; this test fails when a spread
 * call comes back anywhere in server/ or client/.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { maxOf, minOf, pushAll } from "../../server/src/core/arrays";

const root = join(__dirname, "..", "..");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Calls that take their arguments one by one; a spread into them is the fault. */
const SPREAD_CALL = /\b(?:push|unshift|splice|max|min|fromCharCode|fromCodePoint|apply|concat|add|of)\(\s*(?:[^()]*?,\s*)?\.\.\.(?!\s*\[)/;

test("no spread of an array into push, Math.max, Math.min, fromCharCode … in server/ or client/", () => {
  const found: string[] = [];
  for (const file of [...sources(join(root, "server", "src")), ...sources(join(root, "client", "src"))]) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (!/^\s*(?:\/\/|\/?\*)/.test(line) && SPREAD_CALL.test(line)) found.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(found, []);
});

test("pushAll, maxOf and minOf take arrays of any length", () => {
  const big = Array.from({ length: 500_000 }, (_, i) => i);
  assert.throws(() => [].push(...(big as never[])), RangeError, "the spread still overflows (else this test proves nothing)");
  assert.equal(pushAll([] as number[], big).length, 500_000);
  assert.equal(maxOf(big), 499_999);
  assert.equal(minOf(big), 0);
  assert.equal(maxOf([]), -Infinity);
});
