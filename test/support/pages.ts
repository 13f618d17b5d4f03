/// <reference lib="dom" />
// (Code passed to page.evaluate runs in the browser, so this file sees the DOM types.)
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where the browser tests leave their screenshots (git-ignored; the README shows copies). */
export const SCREENSHOT_DIR = path.join(__dirname, '..', 'e2e', 'screenshots');

const PHONE = { width: 390, height: 844 };

/** The page as it looks now at desktop width and at phone width: `<name>-desktop.png`, `<name>-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const desktop = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(desktop);
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core run inside the page (evaluated through the DevTools protocol,
 * which the page's CSP does not govern): the serious and critical
 * violations, as "rule: target" lines, or [] when there are none.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.targets.map((t) => `${v.id}: ${t}`));
}
