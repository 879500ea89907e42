// Browser tests of the admin UI, in Debian's Chromium driven by playwright-core.
//
// Run by admin/tests/admin_ui.rs, which starts a real gateway (with an admin token) and
// passes: ADMIN_URL, GATEWAY_URL, ADMIN_TOKEN, ARTIFACTS (screenshot folder), OPENAPI_FILE,
// BUNDLE_FILE, CERT_PEM and KEY_PEM (a self-signed certificate for ui.example.test with 10
// days left, and its key), TLS_CERT_DIR (the gateway's --tls-cert-dir: a wildcard for
// *.wild.example.test with 60 days left, and an expired one for old.example.test),
// CHROMIUM (default /usr/bin/chromium). Every step asserts; the first failure saves a
// screenshot named FAILED-<step>.png and exits 1 with the reason (harness.mjs).
import assert from 'node:assert/strict';
import { coveringCert, expiry } from '../src/certs.js';
import { open, env } from './harness.mjs';

const ADMIN = env('ADMIN_URL');
const GATEWAY = env('GATEWAY_URL');
const TOKEN = env('ADMIN_TOKEN');
const ARTIFACTS = env('ARTIFACTS');
const OPENAPI_FILE = env('OPENAPI_FILE');
const BUNDLE_FILE = env('BUNDLE_FILE');
const CERT_PEM = env('CERT_PEM');
const KEY_PEM = env('KEY_PEM');
const TLS_CERT_DIR = env('TLS_CERT_DIR');
const BUILD_TIMEOUT = 600_000;

const { browser, page, consoleErrors, shot, step, api } = await open({ admin: ADMIN, token: TOKEN, artifacts: ARTIFACTS });

async function noHorizontalOverflow(where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width + 1, `${where}: page is ${scroll}px wide in a ${width}px window`);
}

async function noTokenPrompt() {
  assert.equal(await page.locator('.modal').count(), 0, 'the token was asked for again');
}

/** `text` as a regular expression matching exactly it. */
const reEscape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Follows a link of the main navigation. */
const nav = (name) => page.locator('nav[aria-label=Main] a', { hasText: name }).click();
const badge = () => page.locator('.page-head .badge');

/** Waits until the endpoint page's deploy state ("v1 serving, v2 compiled, not deployed")
 * reads `text` exactly (the page polls, so it may take a moment). */
async function deployStateIs(text, timeout = 10_000) {
  const sel = '.page-head .deploy-state';
  try {
    await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [sel, text], { timeout });
  } catch (_) {
    const shown = await page.evaluate((s) => document.querySelector(s)?.textContent ?? '(none)', sel);
    throw new Error(`deploy state reads "${shown}", expected "${text}"`);
  }
}

// ---------------------------------------------------------------------------------------
// Every appearance of the token prompt is counted in the page itself (across reloads).
await page.addInitScript(() => {
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === 1 && (n.matches('.modal-backdrop') || n.querySelector('.modal-backdrop'))) {
          sessionStorage.setItem('test-prompts', String(Number(sessionStorage.getItem('test-prompts') || 0) + 1));
        }
      }
    }
  }).observe(document, { subtree: true, childList: true });
});
const prompts = () => page.evaluate(() => Number(sessionStorage.getItem('test-prompts') || 0));

await step('token: asked, a wrong one explained, cancel sticks, then kept for the session', async () => {
  await page.goto(`${ADMIN}/admin/`);
  await page.locator('input[name=token]').waitFor();
  // The prompt says where a gateway keeps the token it generated.
  assert.match(await page.locator('.modal').innerText(), /admin-token in its data directory.*\.\/data\/admin-token/s);
  // Health needs no token: the version shows while the prompt is open.
  await page.locator('.health', { hasText: /v\d+\.\d+/ }).waitFor();
  await shot('01-token-prompt');
  await page.locator('input[name=token]').fill('wrong-token');
  await page.getByRole('button', { name: 'Continue' }).click();
  // A wrong token is the API's own 401 message, not silence.
  await page.locator('.notice-error').first().waitFor();
  assert.match(await page.locator('.notice-error').first().innerText(), /invalid admin token/);
  // The next refresh asks again; Cancel stops the asking.
  await page.locator('input[name=token]').waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForTimeout(4000);
  await noTokenPrompt();
  await page.getByRole('button', { name: 'Enter token' }).click();
  await page.locator('input[name=token]').fill(TOKEN);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('.empty').waitFor();
  assert.match(await page.locator('.empty').innerText(), /No endpoints yet/);
  assert.equal(await prompts(), 3, 'prompts: the first, after the wrong token, and Enter token');
  await page.reload();
  await page.locator('h1:has-text("Endpoints")').waitFor();
  await page.waitForTimeout(300);
  await noTokenPrompt();
  await shot('02-endpoints-empty');
});

let helloId;
await step('quick start: create, compile with live output, deploy, 200 on the gateway port', async () => {
  await page.getByRole('link', { name: '+ Create Endpoint' }).click();
  // The editor opens on the gateway's default handler.
  await page.locator('.cm-content', { hasText: 'Hello from Rust Edge Gateway!' }).waitFor();
  const details = page.locator('form[aria-label="Endpoint details"]');
  await details.locator('input[name=name]').fill('hello');
  await details.locator('input[name=path]').fill('/hello');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/#\/endpoints\/[0-9a-f-]{36}$/);
  helloId = page.url().split('/').pop();
  await badge().waitFor();
  assert.equal(await badge().getAttribute('data-status'), 'created');
  await deployStateIs('not deployed');

  // Record what the output panel shows while the build runs.
  await page.evaluate(() => {
    window.__seen = [];
    new MutationObserver(() => {
      const s = document.querySelector('.build-state');
      const c = document.querySelector('.console');
      window.__seen.push({ state: s ? s.textContent : '', lines: c ? c.textContent.split('\n').length : 0 });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Compile' }).click();
  await page.locator('.build-ok').waitFor({ timeout: BUILD_TIMEOUT });
  const seen = await page.evaluate(() => window.__seen);
  assert.ok(
    seen.some((x) => x.state.startsWith('Building') && x.lines > 0),
    `no compiler output was shown while building: ${JSON.stringify(seen.slice(0, 20))}`,
  );
  assert.match(await page.locator('.console').innerText(), /Finished|Compiling/);
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'compiled');
  await deployStateIs('v1 compiled, not deployed');

  // The draft is compiled (draft_compiled): Deploy serves that build without building again.
  await page.evaluate(() => (window.__seen = []));
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.locator('.notice-ok:has-text("Deployed v1")').waitFor();
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'running');
  await deployStateIs('v1 serving');
  const rebuilt = (await page.evaluate(() => window.__seen)).some((x) => x.state.startsWith('Building'));
  assert.ok(!rebuilt, 'Deploy built again a draft the API says is compiled');
  await shot('03-endpoint-running');

  const res = await fetch(`${GATEWAY}/hello`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.message, 'Hello from Rust Edge Gateway!');
  assert.equal(body.path, '/hello');
});

await step('try it, logs and figures panels', async () => {
  await page.getByRole('tab', { name: 'Try it' }).click();
  await page.getByRole('button', { name: 'Send' }).click();
  const status = page.locator('.answer .status');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-status'), '200');
  assert.match(await page.locator('.response-body').innerText(), /"message": "Hello from Rust Edge Gateway!"/);
  await shot('04-try-it');
  await page.getByRole('tab', { name: 'Figures' }).click();
  const requests = page.locator('[data-figure=requests]');
  await requests.waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-figure=requests]')?.textContent) >= 2);
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.locator('.logs').waitFor();
});

// Before the compile-error step edits the draft: hello is v1 serving, and the step ends on
// a reload, so its notices are gone for the steps after.
await step('variables and secrets: saved without a recompile, a secret never shown again', async () => {
  await page.getByRole('tab', { name: 'Variables' }).click();
  const panel = page.locator('.variables');
  await panel.getByRole('button', { name: '+ Add variable' }).click();
  await panel.locator('input[aria-label="Variable 1 name"]').fill('GREETING');
  await panel.locator('input[aria-label="Variable 1 value"]').fill('hi');
  await panel.getByRole('button', { name: '+ Add secret' }).click();
  const secretName = panel.locator('input[aria-label="Secret 1 name"]');
  const secretValue = panel.locator('input[aria-label="Secret 1 value"]');
  assert.equal(await secretValue.getAttribute('type'), 'password');
  // A wrong name is refused before the API is asked, naming it.
  await secretName.fill('1API_KEY');
  await secretValue.fill('abc');
  await panel.getByRole('button', { name: 'Save variables' }).click();
  await panel.locator('.notice-error').waitFor();
  assert.match(await panel.locator('.notice-error').innerText(), /Secret name "1API_KEY" must match/);
  assert.equal(await secretName.getAttribute('aria-invalid'), 'true');
  assert.deepEqual((await api('GET', `/endpoints/${helloId}`)).variables, {}, 'rows with a wrong name reached the API');
  await secretName.fill('API_KEY');
  await panel.getByRole('button', { name: 'Save variables' }).click();
  await panel.locator('.notice-ok:has-text("Saved: applies to the next request (no recompile)")').waitFor();
  assert.equal(await panel.locator('.notice-error').count(), 0);
  const e = await api('GET', `/endpoints/${helloId}`);
  assert.deepEqual(e.variables, { GREETING: 'hi' });
  assert.deepEqual(e.secrets, { API_KEY: '********' });
  // Variables are no new draft: the deployed build still matches it and serves.
  assert.equal(e.draft_compiled, true);
  await deployStateIs('v1 serving');
  // The typed value is dropped once saved: the row shows the secret as stored.
  assert.equal(await secretValue.inputValue(), '');
  assert.equal(await secretValue.getAttribute('placeholder'), '(stored)');
  await shot('04b-variables');
  await page.setViewportSize({ width: 390, height: 800 });
  await noHorizontalOverflow('variables tab at 390x800');
  await shot('04c-variables-narrow');
  await page.setViewportSize({ width: 1280, height: 800 });

  // After a reload the secret is listed, stored, and its value is nowhere in the page.
  await page.reload();
  await page.getByRole('tab', { name: 'Variables' }).click();
  await secretValue.waitFor();
  assert.equal(await secretName.inputValue(), 'API_KEY');
  assert.equal(await secretValue.getAttribute('placeholder'), '(stored)');
  assert.ok(!(await secretValue.inputValue()).includes('abc'), 'the secret input shows the stored value');
  assert.equal(await panel.locator('input[aria-label="Variable 1 value"]').inputValue(), 'hi');
  const values = await page.evaluate(() => [...document.querySelectorAll('input, textarea')].map((i) => i.value));
  assert.ok(!values.some((v) => v.includes('abc')), 'the secret value came back into the page');
  await page.getByRole('tab', { name: 'Output' }).click();
});

await step('a compile error is shown with its line; the old version keeps serving', async () => {
  const broken = [
    'use rust_edge_gateway_sdk::prelude::*;',
    '',
    '#[handler]',
    'pub async fn handle(_ctx: &Context, _req: Request) -> Response {',
    '    let answer: u32 = "not a number";',
    '    Response::ok(json!({ "answer": answer }))',
    '}',
    '',
  ].join('\n');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(broken);
  assert.match(await page.locator('.cm-content').innerText(), /not a number/);
  // Ctrl+S saves the code without building it.
  await page.locator('.unsaved').waitFor();
  await page.keyboard.press('Control+s');
  await page.locator('.notice-ok:has-text("Saved.")').waitFor();
  assert.equal(await page.locator('.unsaved').count(), 0);
  assert.match((await api('GET', `/endpoints/${helloId}`)).code, /not a number/);
  // Saved but not built: v1 still serves, and the page says the draft moved on.
  await deployStateIs('v1 serving, draft edited since v1 (not compiled)');
  await page.getByRole('button', { name: 'Compile' }).click();
  await page.locator('.build-failed').waitFor({ timeout: BUILD_TIMEOUT });
  const first = page.locator('.diagnostics li').first();
  await first.waitFor();
  assert.match(await first.innerText(), /line 5/);
  assert.match(await first.innerText(), /E0308|mismatched types/);
  assert.match(await page.locator('.notice-error').innerText(), /first at line 5.*previous version keeps serving/s);
  assert.ok((await page.locator('.cm-lint-marker-error').count()) > 0, 'no error mark in the editor gutter');
  assert.ok((await page.locator('.console a.src-link:has-text("src/lib.rs:5")').count()) > 0, 'no link to src/lib.rs:5');
  // Move the cursor away, then follow the link back to line 5.
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await first.locator('button:has-text("line 5")').click();
  assert.match(await page.locator('.cm-activeLine').innerText(), /not a number/);
  await shot('05-compile-error');
  const res = await fetch(`${GATEWAY}/hello`);
  assert.equal(res.status, 200, 'the previous version stopped serving after a failed compile');
  assert.equal((await res.json()).message, 'Hello from Rust Edge Gateway!');
  const e = await api('GET', `/endpoints/${helloId}`);
  assert.equal(e.status, 'running');
  assert.equal(e.draft_compiled, false);
  assert.equal(e.deployed.version, 1);
  await deployStateIs('v1 serving, draft edited since v1 (not compiled)');
});

await step('logs, a panic, and a hot swap that drains', async () => {
  const v2 = [
    'use rust_edge_gateway_sdk::prelude::*;',
    'use std::time::Duration;',
    '',
    '#[handler]',
    'pub async fn handle(_ctx: &Context, req: Request) -> Response {',
    '    eprintln!("hello log for {}", req.path);',
    '    if req.query_param("panic").is_some() {',
    '        panic!("asked to panic");',
    '    }',
    '    if req.query_param("slow").is_some() {',
    '        rust_edge_gateway_sdk::time::sleep(Duration::from_secs(5)).await;',
    '    }',
    '    Response::ok(json!({ "message": "v2", "path": req.path }))',
    '}',
    '',
  ].join('\n');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(v2);
  await page.getByRole('button', { name: 'Compile' }).click();
  await page.locator('.build-ok').waitFor({ timeout: BUILD_TIMEOUT });
  assert.equal(await page.locator('.cm-lint-marker-error').count(), 0, 'error marks left after a good build');
  // Compile never changes what serves: v1 answers until Deploy.
  await deployStateIs('v1 serving, v2 compiled, not deployed');
  assert.equal((await (await fetch(`${GATEWAY}/hello`)).json()).message, 'Hello from Rust Edge Gateway!');
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.locator('.notice-ok:has-text("hot-swapped")').waitFor();
  assert.match(await page.locator('.notice-ok').innerText(), /Deployed v2/);
  await deployStateIs('v2 serving');
  assert.equal((await (await fetch(`${GATEWAY}/hello`)).json()).message, 'v2');

  await page.getByRole('tab', { name: 'Try it' }).click();
  await page.locator('input[aria-label="Request path"]').fill('/hello?panic=1');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.answer .status[data-status="500"]').waitFor();
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.locator('.log:has-text("hello log for /hello")').first().waitFor();
  await page.locator('.log-panic:has-text("asked to panic")').waitFor();
  await shot('05b-logs');

  // A request in flight on the old version while a new one is deployed: Draining, then
  // Running again, and the slow request still gets its answer.
  const slow = fetch(`${GATEWAY}/hello?slow=1`);
  await new Promise((r) => setTimeout(r, 300));
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'draining', null, {
    timeout: 4500,
  });
  await shot('05c-draining');
  const res = await slow;
  assert.equal(res.status, 200, 'the request in flight during the swap was dropped');
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'running', null, {
    timeout: 10_000,
  });
  await deployStateIs('v2 serving');
});

await step('create a SQLite service, test, activate and bind it', async () => {
  await nav('Services');
  await page.getByRole('button', { name: '+ Create Service' }).click();
  const form = page.locator('form[aria-label="New service"]');
  await form.locator('select[name=service_type]').selectOption('sqlite');
  await form.locator('input[name=name]').fill('ui-db');
  // Leaving a required field empty is an error in words.
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  assert.match(await form.locator('.notice-error').innerText(), /Database file is required/);
  await form.locator('input[name=path]').fill('ui-test.db');
  await form.locator('input[name=pool_size]').fill('2');
  // As the user's docs go: test the connection, then save.
  await form.getByRole('button', { name: 'Test connection' }).click();
  await form.locator('.test-result.ok').waitFor();
  assert.match(await form.locator('.test-result').innerText(), /Connected in [0-9.]+ ms/);
  assert.deepEqual(await api('GET', '/services'), [], 'testing saved the service');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  const card = page.locator('article[data-service="ui-db"]');
  await card.waitFor();
  await card.getByRole('button', { name: 'Test connection' }).click();
  await card.locator('.test-result.ok').waitFor();
  assert.match(await card.locator('.test-result').innerText(), /Connected in [0-9.]+ ms/);
  await card.getByRole('button', { name: 'Activate' }).click();
  await card.locator('[data-active=true]').waitFor();
  await card.locator('select[aria-label="Endpoint for ui-db"]').selectOption({ label: 'GET /hello (hello)' });
  await card.locator('input[aria-label="Pool id for ui-db"]').fill('main');
  await card.getByRole('button', { name: 'Bind' }).click();
  await page.locator('.notice-ok:has-text("Bound ui-db")').waitFor();
  // The card says who uses the service now.
  await card.locator('ul[aria-label="Endpoints using ui-db"] li:has-text("/hello")').waitFor();
  assert.match(await card.locator('.used-by').innerText(), /GET \/hello as main/);
  await shot('06-services');
  const services = await api('GET', '/services');
  const svc = services.find((s) => s.name === 'ui-db');
  assert.ok(svc, 'service ui-db not in the API');
  assert.equal(svc.service_type, 'sqlite');
  assert.equal(svc.active, true);
  assert.deepEqual(svc.config.pool_size, 2);
  const bindings = await api('GET', `/endpoints/${helloId}/services`);
  assert.deepEqual(bindings, [{ service_id: svc.id, pool_id: 'main' }]);
  // The endpoint page lists the binding too.
  await page.goto(`${ADMIN}/admin/#/endpoints/${helloId}`);
  await page.getByRole('tab', { name: 'Services' }).click();
  await page.locator('table[aria-label="Bound services"] td:has-text("ui-db")').waitFor();
});

await step('a dead backend: test shows the error, activate refuses with the reason', async () => {
  await nav('Services');
  await page.getByRole('button', { name: '+ Create Service' }).click();
  const form = page.locator('form[aria-label="New service"]');
  await form.locator('select[name=service_type]').selectOption('postgres');
  await form.locator('input[name=name]').fill('dead-pg');
  await form.locator('input[name=host]').fill('127.0.0.1');
  await form.locator('input[name=port]').fill('1');
  await form.locator('input[name=database]').fill('nothing');
  await form.locator('input[name=timeout_seconds]').fill('3');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await form.locator('.test-result.bad').waitFor({ timeout: 20_000 });
  assert.match(await form.locator('.test-result').innerText(), /Not connected: .*Connection refused/i);
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  const card = page.locator('article[data-service="dead-pg"]');
  await card.waitFor();
  await card.getByRole('button', { name: 'Test connection' }).click();
  await card.locator('.test-result.bad').waitFor({ timeout: 20_000 });
  assert.match(await card.locator('.test-result').innerText(), /Not connected: database unreachable: .*Connection refused/i);
  await card.getByRole('button', { name: 'Activate' }).click();
  const err = page.locator('.notice-error');
  await err.waitFor({ timeout: 20_000 });
  assert.match(await err.innerText(), /dead-pg.*not activated.*Connection refused/i);
  assert.equal(await card.locator('[data-active=false]').count(), 1, 'a service that cannot connect shows active');
  await shot('06b-dead-backend');
  // Deactivating the working one stops it.
  const good = page.locator('article[data-service="ui-db"]');
  await good.getByRole('button', { name: 'Deactivate' }).click();
  await good.locator('[data-active=false]').waitFor();
  assert.equal((await api('GET', '/services')).find((x) => x.name === 'ui-db').active, false);
});

await step('domains and collections', async () => {
  await nav('Domains');
  const form = page.locator('form[aria-label="New domain"]');
  // An API refusal is shown as the API worded it.
  await form.getByRole('button', { name: 'Add domain' }).click();
  await page.locator('.notice-error').waitFor();
  assert.ok((await page.locator('.notice-error').innerText()).trim().length > 5);
  await form.locator('input[name=name]').fill('Public API');
  await form.locator('input[name=host]').fill('api.example.test');
  await form.getByRole('button', { name: 'Add domain' }).click();
  const row = page.locator('tr[data-domain="api.example.test"]');
  await row.waitFor();
  await row.getByRole('button', { name: 'Edit' }).click();
  await row.locator('input[aria-label="Domain description"]').fill('The public face');
  await row.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-domain="api.example.test"] td:has-text("The public face")').waitFor();
  assert.equal((await api('GET', '/domains')).find((d) => d.host === 'api.example.test').description, 'The public face');
  await shot('07-domains');
  await nav('Collections');
  const cform = page.locator('form[aria-label="New collection"]');
  await cform.locator('select[name=domain_id]').selectOption({ label: 'Public API (api.example.test)' });
  await cform.locator('input[name=name]').fill('Pets');
  await cform.locator('input[name=base_path]').fill('/v1');
  await cform.getByRole('button', { name: 'Add collection' }).click();
  const crow = page.locator('tr[data-collection="Pets"]');
  await crow.waitFor();
  await crow.getByRole('button', { name: 'Edit' }).click();
  await crow.locator('input[aria-label="Collection description"]').fill('Pet Store operations');
  await crow.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-collection="Pets"] td:has-text("Pet Store operations")').waitFor();
  await shot('08-collections');
});

await step('certificate rules: days left, and which certificate covers a host', async () => {
  // The pages' own functions (src/certs.js), on certificates made up for the purpose.
  const now = Date.parse('2025-06-01T00:00:00Z');
  const cert = (id, names, notBefore, notAfter) => ({ id, names, not_before: notBefore, not_after: notAfter, source: 'api' });
  const at = (notAfter) => expiry(cert('x', ['x'], '2025-01-01T00:00:00Z', notAfter), now);
  assert.deepEqual(at('2025-06-10T12:00:00Z'), { state: 'expiring', days: 9, text: 'expires in 9 days' });
  assert.deepEqual(at('2025-06-14T23:59:59Z'), { state: 'expiring', days: 13, text: 'expires in 13 days' });
  assert.deepEqual(at('2025-06-15T00:00:00Z'), { state: 'ok', days: 14, text: 'expires in 14 days' });
  assert.deepEqual(at('2025-06-02T06:00:00Z'), { state: 'expiring', days: 1, text: 'expires in 1 day' });
  assert.equal(at('2025-06-01T06:00:00Z').text, 'expires in less than a day');
  assert.deepEqual(at('2025-05-30T00:00:00Z'), { state: 'expired', days: -2, text: 'expired 2 days ago' });
  const certs = [
    cert('exact', ['api.example.com'], '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    cert('wild', ['*.example.com'], '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    cert('star', ['*'], '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    cert('lapsed', ['old.example.org'], '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
    cert('renewed', ['old.example.org'], '2025-05-01T00:00:00Z', '2025-08-01T00:00:00Z'),
    cert('later', ['old.example.org'], '2025-07-01T00:00:00Z', '2025-10-01T00:00:00Z'),
    cert('gone', ['gone.example.org'], '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'),
  ];
  const by = (host, list = certs) => coveringCert(host, list, now)?.id ?? null;
  assert.equal(by('api.example.com'), 'exact', 'an exact name comes before a wildcard');
  assert.equal(by('API.Example.com.'), 'exact');
  assert.equal(by('www.example.com'), 'wild');
  assert.equal(by('a.b.example.com'), null, 'a wildcard covers one label only');
  assert.equal(by('example.com'), null);
  assert.equal(by('*.example.com'), 'wild');
  assert.equal(by('*.sub.example.com'), null, 'a wildcard host wants exactly its name');
  assert.equal(by('*'), 'star');
  assert.equal(by('*', certs.slice(0, 2)), null);
  assert.equal(by('other.test'), null, 'a certificate named * covers no host but *');
  assert.equal(by('old.example.org'), 'renewed', 'the newest certificate valid now wins');
  assert.equal(by('gone.example.org'), 'gone', 'an expired one still says what is served');
});

let uiCertId;
await step('certificates: files listed, a bad PEM refused with the API reason, an upload flagged as expiring', async () => {
  await nav('Certificates');
  await page.locator('h1:has-text("Certificates")').waitFor();
  const table = page.locator('table[aria-label=Certificates]');
  const byName = (name) => table.locator('tbody tr', { has: page.locator(`.cert-names code:text-is("${name}")`) });
  // From --tls-cert-dir: the file it came from, its expiry, and no Delete.
  const wild = byName('*.wild.example.test');
  await wild.waitFor();
  assert.ok((await wild.innerText()).includes(`file:${TLS_CERT_DIR}/wild.pem`), await wild.innerText());
  assert.match(await wild.innerText(), /from --tls-cert-dir/);
  assert.equal(await wild.getByRole('button', { name: 'Delete' }).count(), 0);
  assert.equal(await wild.locator('.cert-ok').count(), 1);
  assert.match(await wild.locator('.cert-expiry').innerText(), /^expires in (59|60) days$/);
  const old = byName('old.example.test');
  assert.match(await old.locator('.cert-expired').innerText(), /^expired \d+ days ago$/);
  assert.equal(await old.getByRole('button', { name: 'Delete' }).count(), 0);
  assert.equal(await table.locator('.cert-expiring').count(), 0);

  const form = page.locator('form[aria-label="Upload certificate"]');
  const certText = form.locator('textarea[name=cert_pem]');
  const keyText = form.locator('textarea[name=key_pem]');
  const upload = form.getByRole('button', { name: 'Upload certificate' });
  // Not PEM: the API's reason, as it words it, and nothing added.
  await certText.fill('not a certificate');
  await keyText.fill(KEY_PEM);
  await upload.click();
  await page.locator('.notice-error').waitFor();
  assert.match(await page.locator('.notice-error').innerText(), /cert_pem holds no PEM CERTIFICATE block/);
  assert.equal((await api('GET', '/certificates')).filter((c) => c.source === 'api').length, 0);
  // No key: refused before the API is asked; a key that is not one: the API's reason.
  await certText.fill(CERT_PEM);
  await keyText.fill('');
  await upload.click();
  await page.waitForFunction(() => /key/.test(document.querySelector('.notice-error')?.textContent || ''));
  assert.match(await page.locator('.notice-error').innerText(), /Paste the certificate chain and its private key/);
  await keyText.fill('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  await upload.click();
  await page.waitForFunction(() => /key_pem/.test(document.querySelector('.notice-error')?.textContent || ''));
  assert.match(await page.locator('.notice-error').innerText(), /key_pem/);
  assert.equal((await api('GET', '/certificates')).filter((c) => c.source === 'api').length, 0);

  // The chain from a file (the file input fills the textarea), the key pasted.
  await certText.fill('');
  await form
    .locator('input[name=cert_pem_file]')
    .setInputFiles({ name: 'ui.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(CERT_PEM) });
  await page.waitForFunction(() => document.querySelector('textarea[name=cert_pem]').value.includes('BEGIN CERTIFICATE'));
  assert.equal(await certText.inputValue(), CERT_PEM);
  await keyText.fill(KEY_PEM);
  await upload.click();
  await page.locator('.notice-ok:has-text("for ui.example.test")').waitFor();
  assert.equal(await page.locator('.notice-error').count(), 0, 'the earlier refusal is still shown');
  const added = (await api('GET', '/certificates')).filter((c) => c.source === 'api');
  assert.equal(added.length, 1);
  uiCertId = added[0].id;
  const row = page.locator(`tr[data-cert="${uiCertId}"]`);
  await row.waitFor();
  assert.deepEqual(await row.locator('.cert-names li').allInnerTexts(), ['ui.example.test']);
  const na = added[0].not_after;
  assert.equal((await row.locator('td').nth(1).innerText()).trim(), `${na.slice(0, 10)} ${na.slice(11, 16)} UTC`);
  // 10 days of validity: under 14, so the warning, in its own style.
  const warn = row.locator('.cert-expiring');
  assert.match(await warn.innerText(), /^⚠ expires in (9|10) days$/);
  assert.notEqual(
    await warn.evaluate((e) => getComputedStyle(e).color),
    await wild.locator('.cert-expiry').evaluate((e) => getComputedStyle(e).color),
    'the warning looks like any other expiry',
  );
  // The key is nowhere in the page: the form is emptied and the API answers none.
  assert.equal(await keyText.inputValue(), '');
  const everything = await page.evaluate(
    () => document.body.innerText + [...document.querySelectorAll('textarea, input')].map((i) => i.value).join('\n'),
  );
  assert.ok(!everything.includes('PRIVATE KEY'), 'a private key is shown');
  await shot('07b-certificates');

  // Delete is for uploaded certificates; then it goes back in, pasted this time.
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await api('GET', '/certificates')).filter((c) => c.source === 'api').length, 0);
  await wild.waitFor();
  await certText.fill(CERT_PEM);
  await keyText.fill(KEY_PEM);
  await upload.click();
  await row.waitFor();
  assert.equal((await api('GET', '/certificates')).filter((c) => c.id === uiCertId).length, 1);
});

await step('domains: TLS covered or not, HTTPS redirect and HSTS through the form', async () => {
  await nav('Domains');
  const form = page.locator('form[aria-label="New domain"]');
  const add = async (name, host, redirect, hsts) => {
    await form.locator('input[name=name]').fill(name);
    await form.locator('input[name=host]').fill(host);
    if (redirect) await form.locator('input[name=https_redirect]').check();
    if (hsts !== undefined) await form.locator('input[name=hsts_max_age]').fill(hsts);
    await form.getByRole('button', { name: 'Add domain' }).click();
    await page.locator(`tr[data-domain="${host}"]`).waitFor();
  };
  await add('UI', 'ui.example.test', true, '31536000');
  // The form starts over for the next one.
  assert.equal(await form.locator('input[name=https_redirect]').isChecked(), false);
  assert.equal(await form.locator('input[name=hsts_max_age]').inputValue(), '');
  const stored = (await api('GET', '/domains')).find((d) => d.host === 'ui.example.test');
  assert.equal(stored.https_redirect, true);
  assert.equal(stored.hsts_max_age, 31536000);
  const ui = page.locator('tr[data-domain="ui.example.test"]');
  assert.equal(await ui.locator('.domain-https').innerText(), 'redirect to HTTPS, HSTS 31536000 s');
  const uiTls = ui.locator('.tls-state');
  assert.equal(await uiTls.getAttribute('data-tls'), 'covered');
  assert.match(await uiTls.innerText(), new RegExp(`^TLS: covered by ${uiCertId} \\(⚠ expires in (9|10) days\\)$`));
  assert.equal(await uiTls.locator('.cert-expiring').count(), 1);
  // No certificate names api.example.test.
  const apiRow = page.locator('tr[data-domain="api.example.test"]');
  assert.equal(await apiRow.locator('.tls-state').innerText(), 'TLS: no certificate');
  assert.equal(await apiRow.locator('.domain-https').innerText(), 'no redirect, no HSTS');
  // The files' wildcard covers one label under it, not two; an expired one says so.
  await add('Wild', 'a.wild.example.test');
  await add('Deep', 'x.a.wild.example.test');
  await add('Old', 'old.example.test');
  const tlsOf = (host) => page.locator(`tr[data-domain="${host}"] .tls-state`).innerText();
  assert.match(await tlsOf('a.wild.example.test'), new RegExp(`^TLS: covered by file:${reEscape(TLS_CERT_DIR)}/wild\\.pem \\(expires in (59|60) days\\)$`));
  assert.equal(await tlsOf('x.a.wild.example.test'), 'TLS: no certificate');
  assert.match(await tlsOf('old.example.test'), /^TLS: covered by file:.*old\.pem \(expired \d+ days ago\)$/);
  assert.equal(await page.locator('tr[data-domain="old.example.test"] .tls-state.tls-expired .cert-expired').count(), 1);
  assert.equal(await page.locator('.tls-expired').count(), 1, 'a valid certificate is shown as expired');
  await shot('07c-domains-tls');

  // Edited in place: an HSTS max-age out of range is the API's refusal, and nothing changes.
  await apiRow.getByRole('button', { name: 'Edit' }).click();
  const redirect = apiRow.locator('input[aria-label="Domain HTTPS redirect"]');
  const hsts = apiRow.locator('input[aria-label="Domain HSTS max-age"]');
  assert.equal(await redirect.isChecked(), false);
  assert.equal(await hsts.inputValue(), '');
  await redirect.check();
  await hsts.fill('400000000');
  await apiRow.getByRole('button', { name: 'Save' }).click();
  await page.locator('.notice-error').waitFor();
  assert.match(await page.locator('.notice-error').innerText(), /hsts_max_age must be between 0 and 315360000 seconds/);
  let d = (await api('GET', '/domains')).find((x) => x.host === 'api.example.test');
  assert.deepEqual([d.https_redirect, d.hsts_max_age], [false, null]);
  await hsts.fill('600');
  await apiRow.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-domain="api.example.test"]:not(.editing) .domain-https').waitFor();
  assert.equal(await apiRow.locator('.domain-https').innerText(), 'redirect to HTTPS, HSTS 600 s');
  assert.equal(await page.locator('.notice-error').count(), 0, 'the refusal is still shown after the save');
  d = (await api('GET', '/domains')).find((x) => x.host === 'api.example.test');
  assert.deepEqual([d.https_redirect, d.hsts_max_age], [true, 600]);
  // Opened again it shows what is stored; an empty max-age is no header (null).
  await apiRow.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await redirect.isChecked(), true);
  assert.equal(await hsts.inputValue(), '600');
  await redirect.uncheck();
  await hsts.fill('');
  await apiRow.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-domain="api.example.test"]:not(.editing) .domain-https').waitFor();
  assert.equal(await apiRow.locator('.domain-https').innerText(), 'no redirect, no HSTS');
  d = (await api('GET', '/domains')).find((x) => x.host === 'api.example.test');
  assert.deepEqual([d.https_redirect, d.hsts_max_age], [false, null]);
  // The other fields are untouched by the HTTPS ones.
  assert.equal(d.description, 'The public face');
  // After a reload the stored settings come back from the API.
  await page.reload();
  await ui.locator('.tls-state').waitFor();
  assert.equal(await ui.locator('.domain-https').innerText(), 'redirect to HTTPS, HSTS 31536000 s');
});

let imported;
await step('OpenAPI import from a file, with its report', async () => {
  await nav('Import');
  await page.locator('select[name=collection_id]').selectOption({ label: 'Pets' });
  await page.locator('input[name=spec_file]').setInputFiles(OPENAPI_FILE);
  await page.waitForFunction(() => document.querySelector('textarea[name=spec]').value.includes('openapi'));
  await page.getByRole('button', { name: 'Import document' }).click();
  const report = page.locator('[aria-label="Import report"]');
  await report.waitFor({ timeout: 60_000 });
  const text = await report.innerText();
  const m = /(\d+) endpoint\(s\) created/.exec(text);
  assert.ok(m, `no count in the report: ${text}`);
  imported = Number(m[1]);
  assert.ok(imported >= 10, `only ${imported} endpoints from the Pet Store document`);
  assert.equal(await report.locator('table tr').count(), imported);
  await shot('09-import-report');
  const cols = await api('GET', '/collections');
  const pets = cols.find((c) => c.name === 'Pets');
  const inPets = await api('GET', `/endpoints?collection_id=${pets.id}`);
  assert.equal(inPets.length, imported);
});

await step('an imported endpoint in a collection: deploy builds it, try it uses the base path', async () => {
  await page.locator('[aria-label="Import report"] a:has-text("/store/inventory")').click();
  await page.locator('.cm-content').waitFor();
  assert.match(await page.locator('.cm-content').innerText(), /not implemented yet/);
  // Deploy without a Compile first: it builds what the editor shows, then serves it.
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.locator('.notice-ok:has-text("Deployed v1")').waitFor({ timeout: BUILD_TIMEOUT });
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'running');
  await deployStateIs('v1 serving');
  assert.equal(await page.locator('.build-ok').count(), 1, 'Deploy of a draft never compiled did not build it');
  await page.getByRole('tab', { name: 'Try it' }).click();
  assert.equal(await page.locator('input[aria-label="Request path"]').inputValue(), '/v1/store/inventory');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.answer .status[data-status="501"]').waitFor();
  assert.match(await page.locator('.response-body').innerText(), /not implemented yet/);
  await shot('09a-try-in-collection');
  assert.equal((await fetch(`${GATEWAY}/v1/store/inventory`)).status, 501);
  await nav('Import');
});

await step('bundle upload: compiled, deployed, reported', async () => {
  await page.reload();
  await page.locator('h1:has-text("Import")').waitFor();
  await page.locator('input[name=bundle]').setInputFiles(BUNDLE_FILE);
  await page.getByRole('button', { name: 'Upload bundle' }).click();
  const report = page.locator('[aria-label="Import report"]');
  await report.waitFor({ timeout: BUILD_TIMEOUT });
  const text = await report.innerText();
  assert.match(text, /1 endpoint\(s\) created, 0 updated, 1 handler file\(s\) matched, 1 compiled, 1 started/);
  await shot('09b-bundle-report');
  const res = await fetch(`${GATEWAY}/bundle/ping`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { pong: true });
});

await step('OpenAPI import by pasting the document', async () => {
  await page.reload();
  await page.locator('h1:has-text("Import")').waitFor();
  const spec = 'openapi: 3.0.3\ninfo:\n  title: Pasted\n  version: "1"\npaths:\n  /pasted/{id}:\n    get:\n      operationId: getPasted\n';
  await page.locator('textarea[name=spec]').fill(spec);
  await page.getByRole('button', { name: 'Import document' }).click();
  const report = page.locator('[aria-label="Import report"]');
  await report.waitFor();
  assert.match(await report.innerText(), /1 endpoint\(s\) created/);
  assert.match(await report.innerText(), /\/pasted\/\{id\}/);
  // A document that is not OpenAPI: the API's reason, in words.
  await page.locator('textarea[name=spec]').fill('this: is not openapi');
  await page.getByRole('button', { name: 'Import document' }).click();
  await page.locator('.notice-error').waitFor();
  assert.ok((await page.locator('.notice-error').innerText()).trim().length > 10);
});

await step('nodes: this node alone, what it serves, no cluster', async () => {
  await nav('Nodes');
  const rows = page.locator('table[aria-label="Nodes"] tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  const me = rows.first();
  assert.match(await me.innerText(), /\(this node\)/);
  assert.equal(await me.locator('.node-state').innerText(), 'up');
  const listed = await api('GET', '/nodes');
  assert.equal(listed.cluster, false);
  const served = Object.keys(listed.nodes[0].serving);
  assert.ok(served.length > 0, 'a deployed endpoint is listed as served');
  assert.equal(await me.locator('.node-serving li').count(), served.length);
  assert.match(await me.locator(`.node-serving li[data-endpoint="${served[0]}"]`).innerText(), /: v\d+$/);
  assert.equal(await page.locator('[data-single-node]').count(), 1);
  assert.equal(await page.locator('[data-disagreements]').count(), 0);
});

await step('endpoint list with badges and filters', async () => {
  await nav('Endpoints');
  await page.locator('tr[data-endpoint="hello"] [data-status=running]').waitFor();
  assert.equal(await page.locator('table[aria-label=Endpoints] tbody tr').count(), imported + 3);
  await page.locator('tr[data-endpoint="ping"] [data-status=running]').waitFor();
  // All imported endpoints are Created but the one deployed from the collection, plus the
  // pasted one.
  assert.equal(await page.locator('tbody [data-status=created]').count(), imported);
  // Each row says what serves against its draft.
  assert.equal(await page.locator('tr[data-endpoint="hello"] .deploy-state').innerText(), 'v2 serving');
  assert.equal(await page.locator('tbody .deploy-state:text-is("not deployed")').count(), imported);
  await shot('10-endpoints');
  await page.locator('select[aria-label="Filter by collection"]').selectOption({ label: 'Pets' });
  await page.waitForFunction(
    (n) => document.querySelectorAll('table[aria-label=Endpoints] tbody tr').length === n,
    imported,
  );
  assert.equal(await page.locator('tr[data-endpoint="hello"]').count(), 0);
  await page.locator('select[aria-label="Filter by collection"]').selectOption({ label: 'All' });
  await page.locator('tr[data-endpoint="hello"]').waitFor();
  // By domain: one with no endpoints, then back to another without going through All.
  await page.locator('select[aria-label="Filter by domain"]').selectOption('api.example.test');
  await page.locator('.empty:has-text("No endpoints match these filters")').waitFor();
  await page.locator('select[aria-label="Filter by domain"]').selectOption('*');
  await page.locator('tr[data-endpoint="hello"]').waitFor();
  await page.locator('select[aria-label="Filter by domain"]').selectOption({ label: 'All' });
  await noHorizontalOverflow('endpoint list at 1280x800');
});

await step('stop and deploy again from the list', async () => {
  await page.locator('tr[data-endpoint="hello"] a').click();
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'stopped');
  await deployStateIs('v2 deployed, stopped');
  assert.equal((await fetch(`${GATEWAY}/hello`)).status, 404);
  await page.getByRole('button', { name: 'Deploy' }).click();
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.dataset.status === 'running');
  await deployStateIs('v2 serving');
  assert.equal((await fetch(`${GATEWAY}/hello`)).status, 200);
});

await step('delete an endpoint from its page', async () => {
  await page.goto(`${ADMIN}/admin/#/endpoints`);
  await page.locator('tr[data-endpoint="getPasted"] a').click();
  await page.locator('.cm-content').waitFor();
  const id = page.url().split('/').pop();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.waitForURL(/#\/endpoints$/);
  await page.locator('tr[data-endpoint="hello"]').waitFor();
  assert.equal(await page.locator('tr[data-endpoint="getPasted"]').count(), 0);
  const res = await fetch(`${ADMIN}/api/endpoints/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 404);
});

await step('narrow window (390x800)', async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  for (const [hash, name] of [
    ['#/endpoints', '11-narrow-endpoints'],
    [`#/endpoints/${helloId}`, '12-narrow-endpoint'],
    ['#/services', '13-narrow-services'],
    ['#/import', '14-narrow-import'],
    ['#/domains', '15-narrow-domains'],
    ['#/certificates', '16-narrow-certificates'],
  ]) {
    await page.goto(`${ADMIN}/admin/${hash}`);
    await page.locator('main h1').waitFor();
    await page.waitForTimeout(300);
    await noHorizontalOverflow(name);
    await noTokenPrompt();
    await shot(name);
  }
  // The editor stays usable: visible and wide enough to type in.
  const box = await page.goto(`${ADMIN}/admin/#/endpoints/${helloId}`).then(() => page.locator('.cm-editor').boundingBox());
  assert.ok(box && box.width > 300, `editor is ${box && box.width}px wide`);
});

await step('no errors in the browser console', async () => {
  // The API's refusals the steps provoke (401 wrong token, 400 empty domain, 503 dead
  // backend) are logged by Chromium as failed loads; anything else is a fault of the page.
  const provoked = /^Failed to load resource: the server responded with a status of (400|401|501|503)/;
  const unexpected = consoleErrors.filter((e) => !provoked.test(e));
  assert.deepEqual(unexpected, []);
  assert.equal(await prompts(), 3, 'the token was asked for again after it was given');
});

await browser.close();
console.log(`all browser steps passed; screenshots in ${ARTIFACTS}`);
