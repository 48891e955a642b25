// The web console in a real browser (headless Chromium through puppeteer-core) against a real
// csmsd --dev: every step waits for what the page promises (generous deadlines, no fixed sleeps).
'use strict';

const assert = require('assert/strict');
const fs = require('fs');
const http = require('http');
const path = require('path');
const puppeteer = require('puppeteer-core');

const BASE = process.env.CSMS_ENDPOINT;
const SHOTS = process.env.CSMS_SHOTS;
const DEADLINE_MS = 60000;
const XSS_VALUE = '<script>window.__csmsXss = 1</script><img src=x onerror="window.__csmsXss = 2">';

async function until(what, fn, ms = DEADLINE_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A webhook target that answers 200 and remembers every delivery.
function startReceiver() {
  const deliveries = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      deliveries.push({ id: req.headers['webhook-id'], body });
      res.writeHead(200);
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, deliveries })));
}

async function axeScan(page, name) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `accessibility violations on ${name}`,
  );
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// Clicks the button whose visible text is `text` (inside `scope`, a CSS selector).
async function clickButton(page, text, scope = 'body') {
  const handle = await until(`button "${text}"`, async () => {
    const buttons = await page.$$(`${scope} button`);
    for (const b of buttons) {
      const t = await b.evaluate((el) => el.textContent.trim());
      const disabled = await b.evaluate((el) => el.disabled);
      if (t === text && !disabled) return b;
    }
    return null;
  });
  await handle.click();
}

async function typeInto(page, selector, text) {
  await page.waitForSelector(selector, { timeout: DEADLINE_MS });
  await page.$eval(selector, (el) => {
    el.value = '';
  });
  await page.type(selector, text);
}

const textOf = (page, selector) => page.$eval(selector, (el) => el.textContent).catch(() => null);

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const { server, deliveries } = await startReceiver();
  const hook = `http://127.0.0.1:${server.address().port}/hook`;
  const browser = await puppeteer.launch({
    executablePath: process.env.CSMS_CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    // axe-core is injected as a script: the console's own CSP (checked below) would refuse it.
    await page.setBypassCSP(true);
    page.on('dialog', (d) => d.accept());
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    // Headers of console responses.
    const res = await page.goto(`${BASE}/console/`, { waitUntil: 'networkidle0' });
    const h = res.headers();
    assert.match(h['content-security-policy'], /script-src 'self'/);
    assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
    assert.equal(h['x-frame-options'], 'DENY');
    assert.equal(h['referrer-policy'], 'no-referrer');

    // Log in (fields prefilled in --dev; typed here anyway).
    await typeInto(page, 'input[name=domain]', 'csms');
    await typeInto(page, 'input[name=user]', 'admin');
    await typeInto(page, 'input[name=password]', 'wrong-password');
    await typeInto(page, 'input[name=project]', 'dev');
    await axeScan(page, 'login');
    await shot(page, '01-login');
    await clickButton(page, 'Sign in');
    await until('a login error with its CSMS code', async () => /CSMS\.|IAM|401/.test((await textOf(page, '.error')) || ''));
    await shot(page, '02-login-error');
    await typeInto(page, 'input[name=password]', 'admin');
    await clickButton(page, 'Sign in');
    await page.waitForSelector('header nav', { timeout: DEADLINE_MS });
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('csms.session')));
    assert.ok(session && session.token, 'token in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie');

    // An event with a webhook target served by this test; the signing secret is shown once.
    await page.goto(`${BASE}/console/#/events`, { waitUntil: 'networkidle0' });
    await clickButton(page, 'Create event');
    await typeInto(page, 'input[name=event-name]', 'console-hook');
    await typeInto(page, 'input[name=target-id]', hook);
    await typeInto(page, 'input[name=target-name]', 'hook');
    await clickButton(page, 'Create', 'form');
    await until('the signing secret', async () => ((await textOf(page, '.signing-secret')) || '').startsWith('whsec_'));
    await shot(page, '03-event-signing-secret');
    await clickButton(page, 'Done');
    await until('the event in the list', async () => ((await textOf(page, 'table.list tbody')) || '').includes('console-hook'));
    await axeScan(page, 'events');
    await shot(page, '04-events');

    // A secret subscribed to it whose value is markup: it must show as text.
    await page.goto(`${BASE}/console/#/secrets/new`, { waitUntil: 'networkidle0' });
    await typeInto(page, 'input[name=name]', 'console-secret');
    await typeInto(page, 'textarea[name=value]', XSS_VALUE);
    await typeInto(page, 'input[name=events]', 'console-hook');
    await axeScan(page, 'create secret');
    await clickButton(page, 'Create', 'form');
    await until('the secret page', async () => ((await textOf(page, '#secret-title')) || '').includes('console-secret'));
    await clickButton(page, 'Reveal');
    await until('the revealed value', async () => (await textOf(page, 'code.secret-value')) === XSS_VALUE);
    assert.equal(await page.evaluate(() => window.__csmsXss), undefined, 'markup in a value must not run');
    assert.equal(await page.$$eval('main img, main script', (els) => els.length), 0, 'no element made from the value');
    await shot(page, '05-secret-revealed');
    await clickButton(page, 'Hide');
    await until('the value hidden', async () => (await page.$('code.secret-value')) === null);

    // A new version fires SECRET_VERSION_CREATED to the webhook.
    await typeInto(page, 'textarea[name=new-value]', 'second value');
    await clickButton(page, 'Add version');
    await until('version v2 listed', async () => ((await textOf(page, 'table[aria-label=Versions]')) || '').includes('v2'));
    await axeScan(page, 'secret');
    await shot(page, '06-secret');

    // The records page, left open: a version added meanwhile (through the API, so the page is not
    // reloaded) shows up as SUCCESS by itself.
    await page.goto(`${BASE}/console/#/records`, { waitUntil: 'networkidle0' });
    await until('a delivered notification', async () => deliveries.length >= 1);
    const rowsNow = async () => page.$$eval('table.records tbody tr', (trs) => trs.map((tr) => tr.textContent));
    await until('the first records listed', async () => (await rowsNow()).length >= 1);
    const shown = (await rowsNow()).length;
    const created = await fetch(`${BASE}/v1/${session.project_id}/secrets/console-secret/versions`, {
      method: 'POST',
      headers: { 'X-Auth-Token': session.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ secret_string: 'third value' }),
    });
    assert.equal(created.status, 200);
    await until('the new record on the open page, as SUCCESS', async () => {
      const rows = await rowsNow();
      return rows.length > shown && rows[0].includes('SECRET_VERSION_CREATED') && rows[0].includes('SUCCESS');
    });
    await axeScan(page, 'records');
    await shot(page, '07-records');

    // Filters: an event type no record has empties the list; the right one brings it back.
    await page.select('select[name=trigger_event_type]', 'SECRET_DELETED');
    await clickButton(page, 'Apply');
    await until('the empty filtered list', async () => (await textOf(page, 'p.empty')) === 'No records.');
    await page.select('select[name=trigger_event_type]', 'SECRET_VERSION_CREATED');
    await typeInto(page, 'input[name=secret_name]', 'console-secret');
    await clickButton(page, 'Apply');
    await until('the filtered list', async () => {
      const rows = await page.$$eval('table.records tbody tr', (trs) => trs.map((tr) => tr.textContent));
      return rows.length > 0 && rows.every((r) => r.includes('SECRET_VERSION_CREATED') && r.includes('console-secret'));
    });

    // Redeliver one: the receiver gets the same notification again (same webhook-id).
    const before = deliveries.length;
    const firstId = await page.$eval('table.records tbody tr', (tr) => tr.dataset.recordId);
    await clickButton(page, 'Detail', 'table.records tbody tr:first-child');
    await until('the attempts', async () => ((await textOf(page, 'table[aria-label=Attempts]')) || '').includes('200'));
    await shot(page, '08-record-detail');
    await clickButton(page, 'Redeliver', '.detail');
    await until('the redelivery', async () => deliveries.length > before);
    const again = deliveries.slice(before).map((d) => JSON.parse(d.body).notificationId || d.id);
    assert.ok(again.includes(firstId) || deliveries.slice(before).some((d) => d.id === firstId), 'same notification redelivered');

    // Schedule the deletion, then restore.
    await page.goto(`${BASE}/console/#/secrets/console-secret`, { waitUntil: 'networkidle0' });
    await clickButton(page, 'Schedule deletion');
    await until('PENDING_DELETE', async () => (await textOf(page, '.secret-state')) === 'PENDING_DELETE');
    await shot(page, '09-pending-delete');
    await clickButton(page, 'Restore');
    await until('ENABLED again', async () => (await textOf(page, '.secret-state')) === 'ENABLED');

    // Tasks and the list of secrets, also on a narrow screen.
    await page.goto(`${BASE}/console/#/tasks`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('#tasks-title', { timeout: DEADLINE_MS });
    await axeScan(page, 'tasks');
    await shot(page, '10-tasks');
    await page.goto(`${BASE}/console/#/secrets`, { waitUntil: 'networkidle0' });
    await until('the secret listed', async () => ((await textOf(page, 'table.list tbody')) || '').includes('console-secret'));
    await axeScan(page, 'secrets');
    await shot(page, '11-secrets');
    await page.setViewport({ width: 380, height: 800 });
    await shot(page, '12-secrets-narrow');
    await page.setViewport({ width: 1280, height: 900 });

    // An API error shows its CSMS code and message.
    await page.goto(`${BASE}/console/#/secrets/no-such-secret`, { waitUntil: 'networkidle0' });
    await until('the 404 error', async () => /CSMS\.\d{4}/.test((await textOf(page, '.error')) || ''));

    // Sign out revokes the token.
    await clickButton(page, 'Sign out');
    await page.waitForSelector('#login-title', { timeout: DEADLINE_MS });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('csms.session')), null);
    const after = await fetch(`${BASE}/v1/${session.project_id}/secrets`, { headers: { 'X-Auth-Token': session.token } });
    assert.equal(after.status, 401, 'the token is revoked');

    assert.deepEqual(pageErrors, [], 'no script errors on the pages');
    console.log(`console: ok (screenshots in ${SHOTS})`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(`console: FAILED: ${e.stack || e}`);
  process.exit(1);
});
