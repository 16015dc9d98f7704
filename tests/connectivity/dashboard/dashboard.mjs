// The dashboard's user flows in Debian's chromium, driven by playwright-core.
// usage: node dashboard.mjs URL TOKEN FILE OUT_DIR desktop|phone|firmware PROFILE_DIR
// (FILE: the app the flows install, or for firmware the signed image to push)
// Started by tests/connectivity/test_dashboard.py, which boots the device through the
// shared harness and reboots it when this script prints "REBOOT" (then waits for a
// line on stdin). Prints "figure NAME VALUE" lines for bench/RESULTS.md. Exit 0: all
// flows passed; anything else fails the test.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const { chromium } = require('playwright-core');

const [url, token, wasm, out, mode, profile] = process.argv.slice(2);
const phone = mode === 'phone';
const origin = new URL(url).origin;
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${mode}:`, ...a);

async function until(f, what, timeout = 15000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await f(); if (last) return last; } catch (e) { last = e.message; }
    if (Date.now() > end) throw new Error(`timed out (${timeout} ms) waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const foreign = [];
const apiErrors = [];
let shot = 0;
fs.mkdirSync(out, { recursive: true });
fs.rmSync(profile, { recursive: true, force: true });
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  isMobile: phone,
  hasTouch: phone,
});
const stdin = readline.createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();
try {
  // Every request the page makes must go to the device.
  ctx.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:' + origin)) foreign.push(u);
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('response', (r) => { if (r.status() >= 500) apiErrors.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => { throw new Error('page error: ' + e.message); });
  await page.addInitScript(() => {
    // What the page tried but its Content-Security-Policy refused counts too.
    window.__refused = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__refused.push(e.blockedURI));
    window.__cls = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const snap = async (name) => {
    shot++;
    await page.screenshot({ path: path.join(out, `${mode}-${String(shot).padStart(2, '0')}-${name}.png`) });
  };
  const text = (sel) => page.locator(sel).innerText();

  const flows = async () => {

    // First load: time to first paint (no token needed to read this device).
    const tl = Date.now();
    await page.goto(url + '/', { waitUntil: 'load' });
    const fcp = await until(() => page.evaluate(() => {
      const e = performance.getEntriesByName('first-contentful-paint')[0];
      return e ? e.startTime || 0.1 : 0;
    }), 'the first contentful paint');
    log('first contentful paint', fcp.toFixed(0), 'ms; load', Date.now() - tl, 'ms');
    console.log(`figure ${mode}_first_paint_ms ${fcp.toFixed(0)}`);
    await until(async () => (await text('#conn')) === 'live', 'the live channel');
    await until(async () => /\d\d:\d\d:\d\d/.test(await text('#ov-uptime')), 'uptime');
    const up1 = await text('#ov-uptime');
    await until(async () => (await text('#ov-uptime')) !== up1, 'uptime to move (live)');
    await until(async () => (await page.locator('#ov-parts tr').count()) > 0, 'flash partitions');
    await snap('overview');

    // Keyboard: the skip link first, the pages are reachable by Tab and Enter.
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.className) !== 'skip') throw new Error('Tab does not reach the skip link first');
    await page.focus('nav a[href="#log"]');
    await page.keyboard.press('Enter');
    await until(() => page.locator('#v-log').isVisible(), 'the log page from the keyboard');

    // Log in: a wrong token shows the server's answer, repeated ones its lock-out.
    await page.goto(url + '/#login');
    await page.fill('#token', '0123456789abcdef0123456789abcdef');
    await page.click('#login button[type=submit]');
    await until(async () => /Wrong token: missing or wrong token/.test(await text('#login-err')), 'the wrong-token message');
    await snap('wrong-token');
    for (let i = 0; i < 4 && !/too many authentication failures/.test(await text('#login-err')); i++) {
      await page.fill('#token', 'ffffffffffffffffffffffffffffffff');
      await page.click('#login button[type=submit]');
      await page.waitForTimeout(150);
    }
    await until(async () => /too many authentication failures; retry later \(retry in \d+ s\)/.test(await text('#login-err')), 'the lock-out message');
    log('lock-out shown:', await text('#login-err'));
    await snap('locked-out');
    await until(async () => {
      await page.fill('#token', token);
      await page.click('#login button[type=submit]');
      await page.waitForTimeout(300);
      return page.evaluate(() => location.hash === '#overview');
    }, 'a login once the lock-out is over', 20000);
    if (!await page.evaluate(() => sessionStorage.getItem('akira-token'))) throw new Error('token not in session storage');
    await until(async () => (await text('#conn')) === 'live', 'live after login');

    // Apps: install by drag and drop, with progress; start; its log follows; stop.
    await page.click('nav a[href="#apps"]');
    const b64 = fs.readFileSync(wasm).toString('base64');
    await page.evaluate((data) => {
      const bin = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], 'ticker.wasm', { type: 'application/wasm' }));
      const zone = document.getElementById('drop');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await until(() => page.locator('tr[data-app=ticker]').count(), 'ticker in the list');
    if (await page.locator('#up-prog').evaluate((e) => e.value) !== 1) throw new Error('progress bar not full');
    if (await text('#up-err')) throw new Error('install error: ' + await text('#up-err'));
    await page.click('button[aria-label="Start ticker"]');
    await until(async () => /running/.test(await text('tr[data-app=ticker] .state')), 'ticker running');
    await page.click('button[aria-label="Details ticker"]');
    const tick = async () => {
      const m = [...(await text('#ad-log')).matchAll(/tick (\d+)/g)];
      return m.length ? +m[m.length - 1][1] : 0;
    };
    const first = await until(tick, 'the first log lines');
    await until(async () => (await tick()) >= first + 3, 'new log lines to arrive');
    await snap('apps-running');
    // Capabilities: grant and revoke through the checkboxes.
    const gpioBox = page.locator('#ad-caps label', { hasText: /^gpio$/ }).locator('input');
    await gpioBox.check();
    await until(async () => (await fetchJson(page, '/api/apps/ticker')).caps.includes('gpio'), 'gpio granted');
    await gpioBox.uncheck();
    await until(async () => !(await fetchJson(page, '/api/apps/ticker')).caps.includes('gpio'), 'gpio revoked');
    await page.click('button[aria-label="Stop ticker"]');
    await until(async () => /stopped/.test(await text('tr[data-app=ticker] .state')), 'ticker stopped');
    await snap('apps-stopped');

    // Device log with its level filter.
    await page.click('nav a[href="#log"]');
    await until(async () => /app ticker started over http/.test(await text('#dlog')), 'the device log');
    await page.selectOption('#lvl', '1');
    const classes = await page.locator('#dlog span').evaluateAll((s) => s.map((e) => e.className));
    if (classes.some((c) => c !== 'l-err')) throw new Error('level filter shows ' + classes.join(','));
    await page.selectOption('#lvl', '4');
    await snap('log');

    // Settings: edit one, secrets masked.
    await page.click('nav a[href="#settings"]');
    await page.fill('#sk', 'app/dash/motd');
    await page.fill('#sv', 'hello from the browser');
    await page.click('#set-save');
    await until(async () => /Saved/.test(await text('#sv-note')), 'saved');
    await until(() => page.locator('#set-list button', { hasText: 'app/dash/motd' }).count(), 'the key listed');
    // An API error is shown next to what caused it (the server's reason).
    await page.fill('#sk', 'app//bad');
    await page.fill('#sv', 'x');
    await page.click('#set-save');
    await until(async () => /400|segment|key/.test(await text('#edit-err')), 'the 400 next to the form');
    log('error shown next to the form:', await text('#edit-err'));
    await page.fill('#prefix', 'akira/http/');
    await page.click('#set-filter button');
    await page.locator('#set-list button', { hasText: 'akira/http/token' }).click();
    await until(async () => /secret/.test(await text('#sv-note')), 'the token masked');
    if (await page.inputValue('#sv') === token || !await page.locator('#sv').isDisabled()) throw new Error('secret shown or editable');
    await snap('settings');
    // The setting that makes reading need the token: a new tab (no token) must log in.
    await page.check('#readauth');
    await until(async () => (await fetchJson(page, '/api/settings/akira/http/read_auth')).value === '1', 'read_auth set');
    const tab = await ctx.newPage();
    await tab.goto(url + '/');
    await until(() => tab.locator('#v-login').isVisible(), 'the login page in a tab without the token');
    if (await tab.locator('#v-overview').isVisible()) throw new Error('overview shown without the token');
    await tab.close();
    await page.uncheck('#readauth');
    await until(async () => (await fetchJson(page, '/api/settings/akira/http/read_auth')).value === '0', 'read_auth unset');

    // Hardware: toggle pin 3 (it changes when the device says so, through the live channel).
    await page.click('nav a[href="#hardware"]');
    await until(() => page.locator('#gpio button[data-pin="3"]').count(), 'gpio pins');
    await page.click('#gpio button[data-pin="3"]');
    await until(async () => (await page.getAttribute('#gpio button[data-pin="3"]', 'aria-pressed')) === 'true', 'pin 3 high');
    await until(() => page.locator('#sens tr').count(), 'sensor readings');
    await snap('hardware');

    // Live display: tap the picture and a button; the device takes both.
    await page.click('nav a[href="#display"]');
    await until(() => page.locator('#scr').evaluate((i) => i.naturalWidth > 0), 'the screen');
    const posts = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/input')) posts.push(r.postData()); });
    const box = await page.locator('#scr').boundingBox();
    if (phone) await page.tap('#scr', { position: { x: box.width / 2, y: box.height / 2 } });
    else await page.click('#scr', { position: { x: box.width / 2, y: box.height / 2 } });
    await page.click('#keys button[data-k=select]');
    await until(() => posts.length >= 2, 'the input posts');
    if (!/^tap \d+ \d+$/.test(posts[0]) || posts[1] !== 'tap select') throw new Error('input posted: ' + posts.join(' | '));
    await page.waitForTimeout(300);
    if (await text('#disp-err')) throw new Error('display error: ' + await text('#disp-err'));
    await snap('display');

    // Phone width: nothing wider than the screen.
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0) throw new Error(`page ${over} px wider than the viewport`);

    // The device reboots: the page reconnects by itself.
    await page.click('nav a[href="#overview"]');
    console.log('REBOOT');
    await until(async () => (await text('#conn')) !== 'live', 'the page to notice the reboot', 30000);
    const ok = await lines.next();
    if (ok.value !== 'ok') throw new Error('the harness did not reboot the device');
    await until(async () => (await text('#conn')) === 'live', 'the page back live', 30000);
    log('reconnected after the reboot');

    const cls = await page.evaluate(() => window.__cls);
    log('cumulative layout shift', cls.toFixed(4));
    console.log(`figure ${mode}_cls ${cls.toFixed(4)}`);
    if (cls > 0.1) throw new Error(`layout shift ${cls}`);

    // At rest on the overview: requests and bytes per minute.
    const reqs = [];
    page.on('request', (r) => reqs.push(r.url()));
    await page.waitForTimeout(5000);
    console.log(`figure ${mode}_requests_at_rest_per_min ${(reqs.length * 12).toFixed(0)}`);
    foreign.push(...await page.evaluate(() => window.__refused));
    if (foreign.length) throw new Error('requests to other hosts: ' + foreign.join(' '));
    if (apiErrors.length) throw new Error('server errors: ' + apiErrors.join(' '));
    log('all flows passed');
  };

  // The firmware page (the device booted through akira-boot): both slots, push a newer
  // image with its progress, pending, reboot from the page, on test, confirm.
  const firmware = async () => {
    const slots = async () => (await page.locator('#fw-slots tr').allInnerTexts()).join(' | ');
    const row = (slot, rest) => new RegExp(slot + '[^|]*?\\t' + rest);
    await page.goto(url + '/#login');
    await page.fill('#token', token);
    await page.click('#login button[type=submit]');
    await until(() => page.evaluate(() => location.hash === '#overview'), 'the login');
    await until(async () => (await text('#conn')) === 'live', 'the live channel');
    await page.click('nav a[href="#firmware"]');
    await until(async () => row('running \\(primary\\)', '0\\.1\\.0\\+0\\tvalid, confirmed').test(await slots()), 'the running slot (0.1.0+0, confirmed)');
    await until(async () => /update \(secondary\)/.test(await slots()), 'the update slot');
    log('slots:', await slots());
    await snap('firmware');
    // Every value the page gives the progress bar; the upload slowed down (loopback
    // takes a megabyte in milliseconds) so that the bar has steps to show.
    await page.evaluate(() => {
      const bar = document.getElementById('fw-prog');
      const d = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value');
      window.__prog = [];
      Object.defineProperty(bar, 'value', { get() { return d.get.call(this); }, set(v) { window.__prog.push(v); d.set.call(this, v); } });
    });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
    await page.setInputFiles('#fw-file', wasm);
    await until(async () => row('update \\(secondary\\)', '0\\.1\\.1\\+0\\tvalid, pending').test(await slots()), 'the pushed image pending', 90000);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const seen = await page.evaluate(() => window.__prog);
    log('progress bar values:', seen.map((v) => v.toFixed(2)).join(' '));
    if (await text('#fw-up-err')) throw new Error('push error: ' + await text('#fw-up-err'));
    if (await page.locator('#fw-prog').evaluate((e) => e.value) !== 1) throw new Error('progress bar not full');
    if (!seen.some((v) => v > 0 && v < 1)) throw new Error('no progress shown during the push: ' + seen.join(','));
    log('pushed; slots:', await slots());
    await snap('firmware-pending');
    await page.click('#fw-reboot');
    // The page reconnects by itself and shows the swapped slots without a reload.
    await until(async () => row('running \\(primary\\)', '0\\.1\\.1\\+0\\tvalid, on test').test(await slots()), 'the new version running on test', 30000);
    await until(async () => row('update \\(secondary\\)', '0\\.1\\.0\\+0\\tvalid').test(await slots()), 'the old version in the update slot');
    log('rebooted; slots:', await slots());
    await snap('firmware-test');
    await page.click('#fw-confirm');
    await until(async () => row('running \\(primary\\)', '0\\.1\\.1\\+0\\tvalid, confirmed').test(await slots()), 'the new version confirmed');
    if (await text('#fw-act-err')) throw new Error('confirm error: ' + await text('#fw-act-err'));
    await snap('firmware-confirmed');
    foreign.push(...await page.evaluate(() => window.__refused));
    if (foreign.length) throw new Error('requests to other hosts: ' + foreign.join(' '));
    if (apiErrors.length) throw new Error('server errors: ' + apiErrors.join(' '));
    log('firmware flow passed');
  };

  await (mode === 'firmware' ? firmware : flows)();
} finally {
  await ctx.close();
  stdin.close();
}

async function fetchJson(page, p) {
  return page.evaluate(async (u) => (await fetch(u, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('akira-token') } })).json(), p);
}
