// What the browser test scripts share: Chromium launched by playwright-core, steps that
// stop at the first failure with a screenshot, and the API as the test sees it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** An environment variable, or `fallback`; missing without a fallback is an error. */
export function env(key, fallback) {
  const v = process.env[key] ?? fallback;
  if (v === undefined) throw new Error(`${key} is not set`);
  return v;
}

/**
 * Launches Chromium (CHROMIUM, default /usr/bin/chromium) with one 1280x800 page and
 * returns it with helpers bound to it: `shot(name)`, `step(name, fn)`, `api(method, path,
 * body)` (the management API with `token`, throwing on an error envelope).
 */
export async function open({ admin, token, artifacts }) {
  mkdirSync(artifacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());

  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  async function step(name, fn) {
    const t = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      console.log(`FAIL ${name}: ${e.stack || e}`);
      await page.screenshot({ path: join(artifacts, `FAILED-${name}.png`), fullPage: true }).catch(() => {});
      if (consoleErrors.length) console.log(`browser console errors:\n${consoleErrors.join('\n')}`);
      await browser.close();
      process.exit(1);
    }
  }

  async function api(method, path, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${admin}/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await res.json();
    assert.ok(j.ok, `${method} ${path}: ${j.error}`);
    return j.data;
  }

  return { browser, page, consoleErrors, shot, step, api };
}
