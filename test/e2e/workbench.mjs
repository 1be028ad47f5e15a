// Driving the VS Code workbench in Chromium with playwright-core: launch, open a folder, open a
// file through Quick Open, find where a piece of text is drawn in the editor, take screenshots.
// Every step waits for what it expects to see (selectors from the verified recipe); the only
// fixed pause is the hover's fade-in before a screenshot.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** A fresh persistent context is a fresh Chromium profile (launch() refuses --user-data-dir). */
export async function launchBrowser({ executablePath, profileDir, env, headless = true }) {
  mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
    // Chromium's crashpad writes under $XDG_CONFIG_HOME even with its own profile dir.
    env: { ...process.env, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME, XDG_CACHE_HOME: env.XDG_CACHE_HOME, TMPDIR: env.TMPDIR },
    locale: "en-US",
  });
  context.setDefaultTimeout(15_000);
  return context;
}

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page, { shotsDir, log }) {
    this.page = page;
    this.shotsDir = shotsDir;
    this.log = log;
    this.consoleErrors = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") this.consoleErrors.push(msg.text());
    });
  }

  /** Opens `folder` and waits until the explorer lists `expectFile`. */
  async open(baseUrl, folder, expectFile) {
    await this.page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await this.page.locator(".explorer-folders-view .monaco-list-row", { hasText: expectFile }).first().waitFor({ timeout: 60_000 });
  }

  /** Quick Open (Ctrl+P) → `name` → Enter; waits for an editor whose text contains `expectText`. */
  async openFile(name, expectText) {
    const page = this.page;
    await page.locator(".monaco-workbench").click({ position: { x: 700, y: 450 } }).catch(() => {});
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      try {
        await input.waitFor({ state: "visible", timeout: 10_000 });
        await input.fill(name);
        await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.press("Enter");
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        this.log(`quick open attempt ${attempt} failed (${e.message.split("\n")[0]}); retrying`);
        await page.keyboard.press("Escape");
      }
    }
    const editor = this.editor();
    await editor.locator(".view-lines", { hasText: expectText }).waitFor({ timeout: 30_000 });
    return editor;
  }

  /** The active text editor. */
  editor() {
    return this.page.locator(".editor-instance .monaco-editor").first();
  }

  /**
   * Where `needle` is drawn in the editor: the viewport coordinates of the centre of its
   * `charIndex`-th character, found through a DOM Range over the rendered text nodes (Monaco
   * splits a line into token spans, so a span's centre is not the key's centre). Null while the
   * text is not rendered.
   */
  async pointOf(needle, charIndex = Math.floor(needle.length / 2)) {
    return this.page.evaluate(
      ({ needle, charIndex }) => {
        for (const line of document.querySelectorAll(".editor-instance .monaco-editor .view-lines .view-line")) {
          const text = line.textContent.replace(/\u00a0/g, " ");
          const at = text.indexOf(needle);
          if (at < 0) continue;
          let target = at + charIndex;
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const len = node.textContent.length;
            if (target < len) {
              const range = document.createRange();
              range.setStart(node, target);
              range.setEnd(node, target + 1);
              const r = range.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) return null;
              return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
            }
            target -= len;
          }
        }
        return null;
      },
      { needle, charIndex },
    );
  }

  /** Waits until `needle` is drawn and stable (Monaco re-renders lines when panels resize). */
  async stablePointOf(needle, charIndex, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last = null;
    for (;;) {
      const p = await this.pointOf(needle, charIndex);
      if (p && last && Math.abs(p.x - last.x) < 0.5 && Math.abs(p.y - last.y) < 0.5) return p;
      if (Date.now() > deadline) throw new Error(`${JSON.stringify(needle)} is not drawn in the editor`);
      last = p;
      await this.page.waitForTimeout(50); // re-measure next frame
    }
  }

  /** Puts the text cursor on `needle` (at its `charIndex`-th character) by clicking it. */
  async clickText(needle, charIndex) {
    const p = await this.stablePointOf(needle, charIndex);
    await this.page.mouse.click(p.x, p.y);
    return p;
  }

  async screenshot(name) {
    mkdirSync(this.shotsDir, { recursive: true });
    const path = join(this.shotsDir, name);
    await this.page.screenshot({ path });
    this.log(`screenshot ${path}`);
    return path;
  }

  /** Runs a command through the command palette (F1), e.g. "View: Close Panel". */
  async runCommand(label) {
    const page = this.page;
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill(`>${label}`);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().waitFor();
    await page.keyboard.press("Enter");
  }
}
