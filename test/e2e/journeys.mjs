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

export const journeys = [
  { name: "problems panel shows unknown-source", run: problemsPanel },
  { name: "hover on a key shows its title", run: hoverOnKey },
  { name: "completion after [@ lists the source keys", run: completionOfKey },
  { name: "diagnostics update as the draft is edited", run: liveDiagnostics },
];
