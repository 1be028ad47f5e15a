// Preloaded into the server by bench/soak.ts only (`node --expose-gc --require …`): on SIGUSR2,
// two full collections, then the heap figures on stderr. Lets the soak tell memory the server
// retains from garbage V8 has not collected yet; the shipped server never loads it.
"use strict";
process.on("SIGUSR2", () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  process.stderr.write(`SOAK_GC heapUsed=${m.heapUsed} heapTotal=${m.heapTotal} external=${m.external} arrayBuffers=${m.arrayBuffers} rss=${m.rss}\n`);
});
