// Test entry point that VS Code loads in the extension host (extensionTestsPath). A tiny runner,
// so the suite needs no mocha: every exported test of every *.test.js file here runs in order,
// and a failure rejects `run()`, which makes @vscode/test-electron exit non-zero.
const { readdirSync } = require("node:fs");
const { join } = require("node:path");

exports.run = async function run() {
  let passed = 0;
  const failures = [];
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith(".test.js")).sort()) {
    const { tests } = require(join(__dirname, file));
    for (const [name, fn] of tests) {
      const t0 = Date.now();
      try {
        await fn();
        passed++;
        console.log(`ok - ${file}: ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failures.push(name);
        console.log(`not ok - ${file}: ${name}\n${e.stack ?? e}`);
      }
    }
  }
  console.log(`electron: ${passed} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} test(s) failed: ${failures.join("; ")}`);
};
