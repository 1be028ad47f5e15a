#!/usr/bin/env node
// `npx shutten …` entry: the bundled CLI lives in dist/ (built by `npm install` through `prepare`).
require("../dist/cli.js").run();
