import { resolve } from "node:path";
import { readDictionarySync, loadDictionaryDataSync } from "../server/src/core/text/dictionary";
import { dictionaryPath } from "../server/src/core/text/tokenizer";
const cached = loadDictionaryDataSync(resolve(dictionaryPath()));
const t0 = process.cpuUsage();
const fresh = readDictionarySync(resolve(dictionaryPath()), { cacheDir: null });
const u = process.cpuUsage(t0);
for (const k of Object.keys(fresh) as (keyof typeof fresh)[]) {
  const a = fresh[k], b = cached[k];
  const same = a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
  if (!same) console.log("DIFF", k);
}
console.log("compared", Object.keys(fresh).length, "assembly", ((u.user + u.system) / 1000).toFixed(0), "ms CPU");
