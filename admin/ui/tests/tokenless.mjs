// The admin UI on a gateway started with `--admin-auth none` (loopback only): no token
// prompt, and another site's page cannot drive the API from the same browser (a forged
// bundle upload with compile and start, the CSRF that would run code in the gateway).
//
// Run by admin/tests/admin_ui.rs with ADMIN_URL, GATEWAY_URL, ARTIFACTS, BUNDLE_FILE.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { env, open } from './harness.mjs';

const ADMIN = env('ADMIN_URL');
const GATEWAY = env('GATEWAY_URL');
const ARTIFACTS = env('ARTIFACTS');
const BUNDLE = readFileSync(env('BUNDLE_FILE')).toString('base64');

const { browser, page, shot, step, api } = await open({ admin: ADMIN, token: null, artifacts: ARTIFACTS });

await step('no token: the page works without asking', async () => {
  await page.goto(`${ADMIN}/admin/#/domains`);
  const form = page.locator('form[aria-label="New domain"]');
  await form.locator('input[name=name]').fill('Local');
  await form.locator('input[name=host]').fill('local.test');
  await form.getByRole('button', { name: 'Add domain' }).click();
  await page.locator('tr[data-domain="local.test"]').waitFor();
  assert.equal(await page.locator('.modal').count(), 0, 'asked for a token that does not exist');
  await shot('20-tokenless-domains');
});

await step('another origin cannot post a bundle to the API', async () => {
  // A page of another origin (the gateway port) sends what a hostile site would: a
  // multipart form needs no CORS preflight, so the browser sends it.
  await page.goto(`${GATEWAY}/no-such-page`);
  const sent = await page.evaluate(
    async ({ admin, bundle }) => {
      const bytes = Uint8Array.from(atob(bundle), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('bundle', new Blob([bytes], { type: 'application/zip' }), 'b.zip');
      try {
        await fetch(`${admin}/api/import/bundle?domain=*&compile=true&start=true`, {
          method: 'POST',
          mode: 'no-cors',
          body: form,
        });
        return 'sent';
      } catch (e) {
        return `not sent: ${e.message}`;
      }
    },
    { admin: ADMIN, bundle: BUNDLE },
  );
  assert.equal(sent, 'sent');
  // Without the guard the import creates the endpoint within milliseconds (and starts it
  // after its build); watch for 3 s.
  for (let i = 0; i < 12; i++) {
    assert.deepEqual(await api('GET', '/endpoints'), [], 'the cross-site upload created endpoints');
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal((await fetch(`${GATEWAY}/bundle/ping`)).status, 404);
});

await browser.close();
console.log('all tokenless steps passed');
