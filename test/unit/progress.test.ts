import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { progressReporter } from "../../server/src/cli/progress";

function lines(steps: Array<[number, number]>): string[] {
  const out: string[] = [];
  const p = progressReporter({ write: (s) => out.push(s.trim()) }, undefined);
  for (const [done, total] of steps) p.update(done, total);
  p.stop();
  return out;
}

describe("indexing progress in a log (not a terminal)", () => {
  it("prints one line per tenth of a large corpus, each tenth once", () => {
    const steps: Array<[number, number]> = [];
    for (let i = 1; i <= 1000; i++) steps.push([i, 1000]);
    const out = lines(steps);
    assert.equal(out.length, 10);
    assert.match(out[0], /^indexing: 10% \(100\/1000 files, \d+ files\/s, ETA \d+ s\)$/);
    assert.match(out[9], /^indexing: 100% \(1000\/1000 files, \d+ files\/s, [\d.]+ s\)$/);
  });

  it("a step that crosses several tenths prints one line, for the furthest", () => {
    assert.deepEqual(lines([[10, 40], [40, 40]]).map((l) => l.split(" (")[0]), ["indexing: 20%", "indexing: 100%"]);
  });

  it("a corpus of a few files prints nothing", () => {
    assert.deepEqual(lines([[1, 3], [2, 3], [3, 3]]), []);
  });
});
