// What a writer does in VS Code, one function per journey. Each receives the context that
// runE2e.mjs prepared — the workbench with draft.md open, the sample sources (from
// `shutten sources --json`), the known and unknown keys in the draft — and throws on failure.
// Add a journey by writing a function here and listing it in `journeys` (order matters: later
// journeys may edit the draft).
import assert from "node:assert/strict";

/**
 * @typedef {object} JourneyContext
 * @property {import('./workbench.mjs').Workbench} wb
 * @property {import('playwright-core').Locator} editor
 * @property {{key:string,title:string|null,outlet:string|null,published:string|null}[]} sources
 * @property {{key:string,title:string}} known   the cited sample source (the Nikkei article)
 * @property {string} unknownKey                  a key that is not in the corpus
 * @property {(msg:string)=>void} log
 * @property {Record<string, number>} timings     ms per step, printed at the end
 */

/** Editor squiggle → Problems panel (Ctrl+Shift+M) row with the `unknown-source` code. */
export async function problemsPanel(ctx) {
  const { wb, editor, unknownKey, timings } = ctx;
  const page = wb.page;
  const t0 = Date.now();
  await editor.locator(".squiggly-error, .squiggly-warning").first().waitFor({ timeout: 60_000 });
  timings.firstSquiggleMs = Date.now() - t0;

  await page.keyboard.press("Control+Shift+M");
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "unknown-source" }).first();
  await row.waitFor({ timeout: 30_000 });
  const text = (await row.innerText()).replace(/\s+/g, " ");
  ctx.log(`problems row: ${text}`);
  assert.match(text, /shutten/, "the problem names its source, shutten");
  // The file row says how many problems draft.md has; the marker row names the missing key.
  const panel = (await page.locator(".markers-panel").innerText()).replace(/\s+/g, " ");
  assert.ok(panel.includes("draft.md"), `panel lists draft.md: ${panel}`);
  assert.ok(panel.includes(unknownKey), `the message names the unknown key ${unknownKey}: ${panel}`);
  await wb.screenshot("02-problems.png");
  // Close the panel (Ctrl+J toggles it) so later journeys see the whole editor.
  await page.keyboard.press("Control+J");
  await page.locator(".markers-panel").waitFor({ state: "hidden", timeout: 5_000 }).catch(() => ctx.log("problems panel still open"));
}

/** Mouse hover over the known key shows the source card with its (Japanese) title. */
export async function hoverOnKey(ctx) {
  const { wb, known } = ctx;
  const page = wb.page;
  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: known.title });
  let shown = false;
  for (let attempt = 1; attempt <= 3 && !shown; attempt++) {
    const p = await wb.stablePointOf(`@${known.key}`, 4);
    await page.mouse.move(p.x, p.y - 40);
    await page.mouse.move(p.x, p.y, { steps: 4 });
    shown = await hover.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (!shown) ctx.log(`hover attempt ${attempt}: no card yet`);
  }
  if (!shown) {
    // Keyboard fallback: cursor on the key, then editor.action.showHover (Ctrl+K Ctrl+I).
    ctx.log("hover: falling back to Ctrl+K Ctrl+I");
    await wb.clickText(`@${known.key}`, 4);
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    await hover.first().waitFor({ timeout: 10_000 });
  }
  const text = await hover.first().innerText();
  ctx.log(`hover: ${text.replace(/\s+/g, " ").slice(0, 200)}`);
  assert.ok(text.includes(known.title), `hover shows ${known.title}`);
  await page.waitForTimeout(400); // the hover fades in; a screenshot right away shows grey text
  await wb.screenshot("03-hover.png");
  await page.keyboard.press("Escape");
  await page.mouse.move(5, 450);
}

/** Typing `[@` straight after Japanese text opens the suggest widget with the sample keys. */
export async function completionOfKey(ctx) {
  const { wb, editor, sources, known } = ctx;
  const page = wb.page;
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await page.keyboard.type("続報は");
  await editor.locator(".view-lines", { hasText: "続報は" }).waitFor();
  await page.keyboard.type("[@");

  const widget = page.locator(".editor-widget.suggest-widget.visible");
  const row = widget.locator(".monaco-list-row", { hasText: known.key }).first();
  const opened = await row.waitFor({ timeout: 10_000 }).then(() => true, () => false);
  if (!opened) {
    ctx.log("suggest widget did not open on `@`; invoking it with Ctrl+Space");
    await page.keyboard.press("Control+Space");
    await row.waitFor({ timeout: 15_000 });
  }
  const labels = await widget.locator(".monaco-list-row .label-name").allInnerTexts();
  ctx.log(`suggestions: ${labels.join(", ")}`);
  const keys = sources.map((s) => s.key);
  const listed = keys.filter((k) => labels.some((l) => l.includes(k)));
  assert.ok(listed.length >= Math.min(keys.length, 3), `suggest lists the sample keys ${keys.join(", ")}; got ${labels.join(", ")}`);

  // Select the known key and show the details pane (its title and outlet) for the screenshot.
  for (let i = 0; i < labels.length; i++) {
    const focused = await widget.locator(".monaco-list-row.focused .label-name").innerText().catch(() => "");
    if (focused.includes(known.key)) break;
    await page.keyboard.press("ArrowDown");
  }
  // Ctrl+Space toggles the details pane, where the whole title (truncated in the row) shows.
  const details = page.locator(".suggest-details-container .suggest-details", { hasText: known.title });
  if (!(await details.isVisible().catch(() => false))) await page.keyboard.press("Control+Space");
  await details.first().waitFor({ timeout: 5_000 }).catch(() => ctx.log("details pane with the title did not show"));
  await wb.screenshot("04-completion.png");

  await page.keyboard.press("Enter");
  await editor.locator(".view-lines", { hasText: `続報は[@${known.key}]` }).waitFor({ timeout: 10_000 });
  ctx.log(`accepted: 続報は[@${known.key}]`);
}

/** An edit that adds another unknown key is reported live, without saving. */
export async function liveDiagnostics(ctx) {
  const { wb, editor, unknownKey } = ctx;
  const page = wb.page;
  const before = await editor.locator(".squiggly-error").count();
  await page.keyboard.press("End");
  await page.keyboard.type(` 追記[@${unknownKey}`);
  await page.keyboard.press("Escape"); // the suggest widget, if it reopened
  await page.waitForFunction(
    (n) => document.querySelectorAll(".editor-instance .monaco-editor .squiggly-error").length > n,
    before,
    { timeout: 15_000 },
  );
  await wb.screenshot("05-live-diagnostics.png");
}


// ---------------------------------------------------------------------------------------------
// The writer's journeys over the full editor features (issue 5). Each one appends its own
// paragraph at the end of the draft, so it does not depend on what earlier journeys left there.

/** Clicks into the editor and moves to a fresh paragraph at the end of the draft. */
async function newParagraph(ctx) {
  const { wb, editor } = ctx;
  await editor.locator(".view-lines").click();
  await wb.page.keyboard.press("Control+End");
  await wb.page.keyboard.press("Enter");
  await wb.page.keyboard.press("Enter");
}

/** Appends `text` as a new paragraph without the suggest widget getting in the way. */
async function appendParagraph(ctx, text) {
  const { wb, editor } = ctx;
  await newParagraph(ctx);
  await wb.page.keyboard.insertText(text);
  await wb.page.keyboard.press("Escape");
  await editor.locator(".view-lines", { hasText: text.slice(0, 12) }).waitFor({ timeout: 10_000 });
}

/** Typing `「けんとう` offers the corpus quote 「検討が必要」; accepting inserts the words, 」 and the citation. */
export async function quoteCompletion(ctx) {
  const { wb, editor } = ctx;
  const page = wb.page;
  await newParagraph(ctx);
  await page.keyboard.type("プーチン氏は「けんとう");
  const widget = page.locator(".editor-widget.suggest-widget.visible");
  const row = widget.locator(".monaco-list-row", { hasText: "検討が必要" }).first();
  const opened = await row.waitFor({ timeout: 10_000 }).then(() => true, () => false);
  if (!opened) {
    ctx.log("suggest widget did not open on 「; invoking it with Ctrl+Space");
    await page.keyboard.press("Control+Space");
    await row.waitFor({ timeout: 15_000 });
  }
  const labels = await widget.locator(".monaco-list-row .label-name").allInnerTexts();
  ctx.log(`quote suggestions: ${labels.join(" | ")}`);
  assert.ok(labels[0].includes("検討が必要"), `the best match comes first: ${labels.join(" | ")}`);
  await page.waitForTimeout(300); // the widget's details fade in
  await wb.screenshot("06-quote-completion.png");
  await page.keyboard.press("Enter");
  const inserted = "「検討が必要」[@findgo-trump-putin-call]";
  await editor.locator(".view-lines", { hasText: inserted }).waitFor({ timeout: 10_000 });
  const line = await editor.locator(".view-line", { hasText: inserted }).first().innerText();
  assert.ok(!line.includes("」」"), `no doubled closing mark: ${line}`);
  await wb.screenshot("07-quote-inserted.png");
}

/** Hovering a quote shows the source sentence with the quote in bold and its speaker. */
export async function hoverOnQuote(ctx) {
  const { wb } = ctx;
  const page = wb.page;
  await appendParagraph(ctx, "プーチン大統領は提案を「検討が必要」と発言した[@findgo-trump-putin-call]。");
  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "プーチン" });
  let shown = false;
  for (let attempt = 1; attempt <= 3 && !shown; attempt++) {
    const p = await wb.stablePointOf("「検討が必要」と発言", 3);
    await page.mouse.move(p.x, p.y - 40);
    await page.mouse.move(p.x, p.y, { steps: 4 });
    shown = await hover.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
  }
  if (!shown) {
    await wb.clickText("「検討が必要」と発言", 3);
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    await hover.first().waitFor({ timeout: 10_000 });
  }
  const text = await hover.first().innerText();
  ctx.log(`quote hover: ${text.replace(/\s+/g, " ").slice(0, 200)}`);
  assert.match(text, /ゼレンスキー大統領からの提案/, "the source sentence around the quote");
  assert.match(text, /(Speaker|発言者): プーチン/, "its speaker");
  const bold = await hover.first().locator("strong", { hasText: "検討が必要" }).count();
  assert.ok(bold > 0, "the quote is in bold");
  await page.waitForTimeout(400);
  await wb.screenshot("08-hover-quote.png");
  await page.keyboard.press("Escape");
  await page.mouse.move(5, 450);
}

/** A misquote is reported; its quick fix puts back the source's words and the problem disappears. */
export async function quickFixMisquote(ctx) {
  const { wb, editor } = ctx;
  const page = wb.page;
  await appendParagraph(ctx, "レビット報道官は「トランプ大統領は両当事者にいつもいらだっている」と述べた[@nikkei-2025-04-12]。");
  await page.keyboard.press("Control+Shift+M");
  const row = page.locator(".markers-panel .monaco-list-row", { hasText: "quote-mismatch" }).first();
  await row.waitFor({ timeout: 30_000 });
  ctx.log(`problem: ${(await row.innerText()).replace(/\s+/g, " ")}`);
  await wb.screenshot("09-misquote-problem.png");
  await wb.clickText("いつもいらだっている", 3);
  await page.keyboard.press("Control+.");
  const action = page.locator(".action-widget .monaco-list-row, .context-view .action-item", { hasText: /source's words|出典の文言/ }).first();
  await action.waitFor({ timeout: 10_000 });
  await wb.screenshot("10-misquote-quickfix.png");
  await action.click();
  await editor.locator(".view-lines", { hasText: "いつもいら立っている」と述べた" }).waitFor({ timeout: 10_000 });
  await row.waitFor({ state: "detached", timeout: 15_000 });
  await wb.screenshot("11-misquote-fixed.png");
  await page.keyboard.press("Control+J");
}

/** Show timeline opens a webview with the events by date and the sources' disagreement. */
export async function timelineView(ctx) {
  const { wb } = ctx;
  const page = wb.page;
  await wb.runCommand("Shutten: Show Timeline").catch(() => wb.runCommand("Shutten: Show timeline"));
  let found = null;
  const deadline = Date.now() + 30_000;
  while (!found && Date.now() < deadline) {
    for (const f of page.frames()) {
      const n = await f.locator("body", { hasText: "2025-03-18" }).count().catch(() => 0);
      if (n > 0) {
        found = f;
        break;
      }
    }
    if (!found) await page.waitForTimeout(250);
  }
  assert.ok(found, "a webview frame lists 2025-03-18");
  const body = await found.locator("body").innerText();
  assert.match(body, /電話会談/);
  assert.match(body, /2025-03-14[\s\S]*2025-03-18|2025-03-18[\s\S]*2025-03-14/, "both dates of the call");
  assert.match(body, /Sources disagree|出典間の食い違い/);
  await wb.screenshot("12-timeline.png");
  // Close the timeline's own tab: "Close Editor" would act on the draft if it had focus.
  const tab = page.locator(".tabs-container .tab", { hasText: /Timeline|時系列/ }).first();
  await tab.hover();
  await tab.locator(".tab-actions .action-label").first().click();
  await tab.waitFor({ state: "detached", timeout: 5_000 }).catch(() => ctx.log("timeline tab still open"));
}

/** Export bibliography (CSL-JSON) through the save dialog; pandoc --citeproc renders a draft with it. */
export async function exportBibliographyJourney(ctx) {
  const { wb, known } = ctx;
  const page = wb.page;
  await wb.runCommand("Shutten: Export Bibliography").catch(() => wb.runCommand("Shutten: Export bibliography"));
  const rowCsl = page.locator(".quick-input-list .monaco-list-row", { hasText: "CSL-JSON" }).first();
  await rowCsl.waitFor({ timeout: 10_000 });
  await rowCsl.click();
  // code-server's save dialog is a quick input holding the path; read it, then accept.
  const input = page.locator(".quick-input-widget input");
  await page.waitForFunction(() => {
    const i = document.querySelector(".quick-input-widget input");
    return i && /references\.json$/.test(i.value);
  }, null, { timeout: 15_000 });
  const target = await input.inputValue();
  ctx.log(`export to ${target}`);
  await page.keyboard.press("Enter");
  await page.locator(".notifications-toasts", { hasText: /Exported|書き出しました/ }).first().waitFor({ timeout: 15_000 });
  await wb.screenshot("13-bibliography-exported.png");
  const { existsSync, readFileSync, writeFileSync } = await import("node:fs");
  const { spawnSync } = await import("node:child_process");
  const { dirname, join } = await import("node:path");
  const deadline = Date.now() + 10_000;
  while (!existsSync(target) && Date.now() < deadline) await page.waitForTimeout(100);
  const items = JSON.parse(readFileSync(target, "utf8"));
  assert.ok(items.some((i) => i.id === known.key), `the bibliography has @${known.key}`);
  if (existsSync("/usr/bin/pandoc")) {
    const md = join(dirname(target), "pandoc-check.md");
    writeFileSync(md, `本文[@${known.key}]。\n`);
    const r = spawnSync("/usr/bin/pandoc", ["--citeproc", "--bibliography", target, "-t", "plain", md], { encoding: "utf8" });
    ctx.log(`pandoc: ${r.stdout.replace(/\s+/g, " ")}`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!/not found/i.test(r.stderr), r.stderr);
  }
}

/**
 * A draft whose front matter names the writer's .bib: typing `[@plok` offers the library key with
 * its author, year and title; accepting it and hovering shows the reference as Chicago author-date
 * formats it (citeproc), and that it has no full text to check against.
 */
export async function libraryKey(ctx) {
  const { wb } = ctx;
  const page = wb.page;
  const editor = await wb.openFile("library-draft.md", "ウクライナ史の背景は");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("End");
  await page.keyboard.type("[@plok");
  const widget = page.locator(".editor-widget.suggest-widget.visible");
  const row = widget.locator(".monaco-list-row", { hasText: "plokhy2015" }).first();
  const opened = await row.waitFor({ timeout: 15_000 }).then(() => true, () => false);
  if (!opened) {
    ctx.log("suggest widget did not open on [@plok; invoking it with Ctrl+Space");
    await page.keyboard.press("Control+Space");
    await row.waitFor({ timeout: 15_000 });
  }
  const rowText = (await row.innerText()).replace(/\s+/g, " ");
  ctx.log(`library suggestion: ${rowText}`);
  assert.match(rowText, /plokhy2015/);
  await page.waitForTimeout(300);
  await wb.screenshot("14-library-completion.png");
  await page.keyboard.press("Enter");
  await editor.locator(".view-lines", { hasText: "背景は[@plokhy2015]" }).waitFor({ timeout: 10_000 });

  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "Gates of Europe" });
  let shown = false;
  for (let attempt = 1; attempt <= 3 && !shown; attempt++) {
    const p = await wb.stablePointOf("@plokhy2015", 4);
    await page.mouse.move(p.x, p.y - 40);
    await page.mouse.move(p.x, p.y, { steps: 4 });
    shown = await hover.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
  }
  if (!shown) {
    await wb.clickText("@plokhy2015", 4);
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    await hover.first().waitFor({ timeout: 10_000 });
  }
  const text = (await hover.first().innerText()).replace(/\s+/g, " ");
  ctx.log(`library hover: ${text.slice(0, 240)}`);
  assert.match(text, /Plokhy, Serhii\. 2015\. The Gates of Europe: A History of Ukraine\. New York: Basic Books\./);
  assert.match(text, /refs\.bib:\d+/);
  await page.waitForTimeout(400);
  await wb.screenshot("15-library-hover.png");
  await page.keyboard.press("Escape");
  await page.mouse.move(5, 450);
}

export const journeys = [
  { name: "problems panel shows unknown-source", run: problemsPanel },
  { name: "hover on a key shows its title", run: hoverOnKey },
  { name: "completion after [@ lists the source keys", run: completionOfKey },
  { name: "diagnostics update as the draft is edited", run: liveDiagnostics },
  { name: "typing 「けんとう completes the quote and its citation", run: quoteCompletion },
  { name: "hover on a quote shows the source sentence and speaker", run: hoverOnQuote },
  { name: "quick fix for a misquote removes the problem", run: quickFixMisquote },
  { name: "show timeline lists events and the disagreement", run: timelineView },
  { name: "export bibliography renders with pandoc", run: exportBibliographyJourney },
  { name: "a library key from the draft's .bib: completion and hover", run: libraryKey },
];
