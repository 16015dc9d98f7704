'use strict';
/* AkiraOS dashboard: talks only to the device that served it (/api/*, docs/dashboard.md). */
const $ = (id) => document.getElementById(id);
const CAPS = ['memory', 'timer', 'ipc', 'storage', 'gpio', 'i2c', 'uart', 'pwm', 'sensor', 'power',
  'net', 'display', 'input', 'ble', 'rf', 'ui'];
const LEVELS = { err: 1, wrn: 2, inf: 3, dbg: 4 };
const LOG_MAX = 500, APPLOG_MAX = 200, CHART_MAX = 60;
const st = {
  token: sessionStorage.getItem('akira-token') || '', view: '', needLogin: false,
  uptime: 0, logSeq: 0, dlog: [], appLogs: {}, appSeq: {}, apps: [], sel: '', cpu: {},
  sensors: {}, chart: {}, gpio: null, dispSeq: -1, setAfter: '',
};

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    if (k === 'class') e.className = attrs[k];
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
    else if (attrs[k] !== false && attrs[k] != null) e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
  }
  for (const c of kids) e.append(c);
  return e;
}
const fill = (id, rows) => $(id).replaceChildren(...rows);
const say = (id, msg) => { $(id).textContent = msg || ''; };
const bytes = (n) => n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B';
function dur(ms) {
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s %= 86400;
  const h = Math.floor(s / 3600); s %= 3600;
  const m = Math.floor(s / 60); s %= 60;
  return (d ? d + 'd ' : '') + String(h).padStart(2, '0') + ':' + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0');
}

/* ---- API ---------------------------------------------------------------------- */
class ApiError extends Error {
  constructor(status, msg) { super(msg); this.status = status; }
}
const authHdr = () => (st.token ? { Authorization: 'Bearer ' + st.token } : {});
async function errorOf(r) {
  let msg = r.status + ' ' + r.statusText;
  try { const j = await r.json(); if (j.error) msg = j.error; } catch (e) { /* not JSON */ }
  const ra = r.headers.get('Retry-After');
  if (r.status === 429 && ra) msg += ' (retry in ' + ra + ' s)';
  if (r.status === 401) needLogin();
  return new ApiError(r.status, msg);
}
async function api(method, path, body, raw) {
  let r;
  try {
    r = await fetch(path, { method, body, headers: authHdr(), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'the device does not answer');
  }
  if (!r.ok) throw await errorOf(r);
  if (raw) return r;
  const t = r.headers.get('Content-Type') || '';
  return t.includes('json') ? r.json() : r.text();
}
/* Runs f; an error goes into the element errId (next to what caused it). */
async function act(errId, f) {
  say(errId, '');
  try { return await f(); } catch (e) { say(errId, e.message); return undefined; }
}
/* An upload with a progress bar (fetch cannot report upload progress). */
function upload(path, file, prog, errId) {
  return new Promise((resolve) => {
    say(errId, '');
    const x = new XMLHttpRequest();
    x.open('POST', path);
    if (st.token) x.setRequestHeader('Authorization', 'Bearer ' + st.token);
    x.upload.onprogress = (e) => { if (e.lengthComputable) prog.value = e.loaded / e.total; };
    x.onload = () => {
      let j = null;
      try { j = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
      if (x.status >= 200 && x.status < 300) { prog.value = 1; resolve(j); return; }
      if (x.status === 401) needLogin();
      say(errId, (j && j.error) || x.status + ' ' + x.statusText);
      prog.value = 0;
      resolve(null);
    };
    x.onerror = () => { say(errId, 'upload failed: the device does not answer'); prog.value = 0; resolve(null); };
    prog.value = 0;
    x.send(file);
  });
}

/* ---- login -------------------------------------------------------------------- */
function needLogin() {
  st.needLogin = true;
  if (st.token) { st.token = ''; sessionStorage.removeItem('akira-token'); } /* refused */
  showLoginState();
}
function showLoginState() {
  $('logout').hidden = !st.token;
  $('loginbtn').hidden = !!st.token;
}
$('loginbtn').addEventListener('click', () => { location.hash = '#login'; });
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem('akira-token');
  st.token = '';
  showLoginState();
  restartLive();
  location.hash = '#login';
});
$('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const tok = $('token').value.trim();
  say('login-err', '');
  let r;
  try {
    r = await fetch('/api/settings?prefix=akira%2Fhttp%2F', { headers: { Authorization: 'Bearer ' + tok }, cache: 'no-store' });
  } catch (e) { say('login-err', 'the device does not answer'); return; }
  if (!r.ok) {
    const e = await errorOf(r);
    say('login-err', e.status === 401 ? 'Wrong token: ' + e.message : e.message);
    return;
  }
  st.token = tok;
  st.needLogin = false;
  sessionStorage.setItem('akira-token', tok);
  $('token').value = '';
  showLoginState();
  restartLive();
  location.hash = '#overview';
});

/* ---- views -------------------------------------------------------------------- */
const VIEWS = ['login', 'overview', 'apps', 'log', 'settings', 'hardware', 'firmware', 'display'];
function route() {
  let v = location.hash.slice(1) || 'overview';
  if (!VIEWS.includes(v)) v = 'overview';
  if (st.needLogin && !st.token) v = 'login';
  const was = st.view;
  st.view = v;
  for (const n of VIEWS) $('v-' + n).hidden = n !== v;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.view === v) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (v === 'login') { $('token').focus(); return; }
  if (was !== v) (ENTER[v] || (() => {}))();
  if (topics() !== st.topics) restartLive();
}
window.addEventListener('hashchange', () => { route(); $('main').focus({ preventScroll: true }); });

const ENTER = {
  overview: loadStatus,
  apps: loadApps,
  log: renderLog,
  settings: () => { loadSettings(false); loadReadAuth(); },
  hardware: () => { renderGpio(); },
  firmware: loadOta,
  display: () => { st.dispSeq = -1; loadScreen(); },
};

/* ---- overview ----------------------------------------------------------------- */
async function loadStatus() {
  const s = await act('ov-err', () => api('GET', '/api/status'));
  if (!s) return;
  $('ov-version').textContent = s.version;
  $('ov-board').textContent = s.board;
  $('dev').textContent = s.board + ' \u00b7 ' + s.version;
  fill('ov-parts', (s.flash.partitions || []).map((p) =>
    el('tr', {}, el('td', {}, p.name), el('td', { class: 'r' }, '0x' + p.offset.toString(16)), el('td', { class: 'r' }, bytes(p.size)))));
  onStatus({ uptime_ms: s.uptime_ms, memory: s.memory, fs: s.flash.fs });
}
function onStatus(s) {
  st.uptime = s.uptime_ms;
  $('ov-uptime').textContent = dur(s.uptime_ms);
  const m = s.memory || {};
  if (m.heap_total) {
    $('ov-mem').value = m.heap_used / m.heap_total;
    $('ov-mem-t').textContent = bytes(m.heap_used) + ' of ' + bytes(m.heap_total) + ' used';
  }
  if (s.fs) {
    $('ov-fs').value = (s.fs.total - s.fs.free) / s.fs.total;
    $('ov-fs-t').textContent = bytes(s.fs.total - s.fs.free) + ' of ' + bytes(s.fs.total) + ' used';
  }
  if (!s.apps) return;
  fill('ov-apps', s.apps.map((a) => {
    const prev = st.cpu[a.name];
    let pct = '\u2013';
    if (prev && a.cpu_us != null && s.uptime_ms > prev.t) pct = Math.min(100, (a.cpu_us - prev.us) / ((s.uptime_ms - prev.t) * 10)).toFixed(1) + ' %';
    if (a.cpu_us != null) st.cpu[a.name] = { us: a.cpu_us, t: s.uptime_ms };
    const mem = a.mem_used != null ? bytes(a.mem_used) + (a.memory_quota ? ' / ' + bytes(a.memory_quota) : '') : '\u2013';
    return el('tr', {}, el('td', {}, a.name), el('td', {}, a.state), el('td', { class: 'r' }, pct), el('td', { class: 'r' }, mem));
  }));
}

/* ---- apps --------------------------------------------------------------------- */
async function loadApps() {
  const j = await act('apps-err', () => api('GET', '/api/apps'));
  if (!j) return;
  st.apps = j.apps;
  renderApps();
}
let appsTimer = 0;
function appsChanged() {
  clearTimeout(appsTimer);
  if (st.view === 'apps') appsTimer = setTimeout(loadApps, 150);
}
function appButton(label, a, f) {
  return el('button', { type: 'button', 'aria-label': label + ' ' + a.name, onclick: () => act('apps-err', f) }, label);
}
function renderApps() {
  fill('apps-list', st.apps.map((a) => {
    const running = a.state === 'running' || a.state === 'loaded';
    return el('tr', { 'data-app': a.name },
      el('td', {}, a.name), el('td', {}, a.version),
      el('td', { class: 'state' }, a.state + (a.reason ? ' (' + a.reason + ')' : '')),
      el('td', {}, el('div', { class: 'row' },
        appButton('Start', a, async () => { await api('POST', '/api/apps/' + a.name + '/start'); await loadApps(); }),
        appButton('Stop', a, async () => { await api('POST', '/api/apps/' + a.name + '/stop'); await loadApps(); }),
        appButton('Details', a, async () => { st.sel = a.name; renderDetail(); }),
        appButton('Remove', a, async () => {
          await api('DELETE', '/api/apps/' + a.name);
          if (st.sel === a.name) st.sel = '';
          await loadApps();
        }))));
  }));
  for (const tr of $('apps-list').children) {
    const a = st.apps.find((x) => x.name === tr.dataset.app);
    const running = a.state === 'running' || a.state === 'loaded';
    tr.querySelector('[aria-label^="Start"]').disabled = running;
    tr.querySelector('[aria-label^="Stop"]').disabled = !running;
  }
  renderDetail();
}
function renderDetail() {
  const a = st.apps.find((x) => x.name === st.sel);
  $('app-detail').hidden = !a;
  if (!a) return;
  $('ad-title').textContent = a.name + ' ' + a.version;
  fill('ad-caps', CAPS.map((c) => {
    const box = el('input', { type: 'checkbox', checked: a.caps.includes(c) });
    box.addEventListener('change', () => act('ad-caps-err', async () => {
      try {
        const j = await api(box.checked ? 'PUT' : 'DELETE', '/api/apps/' + a.name + '/caps/' + c);
        a.caps = j.caps;
      } finally { box.checked = a.caps.includes(c); }
    }));
    return el('label', {}, box, c);
  }));
  renderAppLog();
}
function renderAppLog() {
  const pre = $('ad-log');
  const lines = st.appLogs[st.sel] || [];
  const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = lines.map((l) => (l.uptime_ms / 1000).toFixed(3) + ' ' + l.text).join('\n');
  if (atEnd) pre.scrollTop = pre.scrollHeight;
}
function onAppLog(l) {
  if (l.seq <= (st.appSeq[l.app] || 0)) return;
  st.appSeq[l.app] = l.seq;
  const a = st.appLogs[l.app] || (st.appLogs[l.app] = []);
  a.push(l);
  if (a.length > APPLOG_MAX) a.shift();
  if (st.view === 'apps' && st.sel === l.app) renderAppLog();
}
async function installFile(file) {
  if (!file) return;
  if (!st.token) { say('up-err', 'Log in first: installing needs the token'); return; }
  const j = await upload('/api/apps', file, $('up-prog'), 'up-err');
  if (j) { st.sel = j.name; await loadApps(); }
}
$('pkg').addEventListener('change', (e) => { installFile(e.target.files[0]); e.target.value = ''; });
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  installFile(e.dataTransfer.files[0]);
});

/* ---- device log --------------------------------------------------------------- */
function logLine(e) {
  return el('span', { class: 'l-' + e.level }, (e.uptime_ms / 1000).toFixed(3) + ' ' + e.level + ' ' + e.module + ': ' + e.msg + '\n');
}
function renderLog() {
  const max = +$('lvl').value;
  fill('dlog', st.dlog.filter((e) => (LEVELS[e.level] || 4) <= max).map(logLine));
  $('dlog').scrollTop = $('dlog').scrollHeight;
}
$('lvl').addEventListener('change', renderLog);
function onLog(e) {
  if (e.seq <= st.logSeq) return;
  st.logSeq = e.seq;
  st.dlog.push(e);
  if (st.dlog.length > LOG_MAX) {
    st.dlog.shift();
    if (st.view === 'log') $('dlog').firstChild && $('dlog').firstChild.remove();
  }
  if (st.view === 'log' && (LEVELS[e.level] || 4) <= +$('lvl').value) {
    const pre = $('dlog');
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.append(logLine(e));
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  }
}

/* ---- settings ----------------------------------------------------------------- */
async function loadSettings(more) {
  if (!more) st.setAfter = '';
  const q = '?prefix=' + encodeURIComponent($('prefix').value) + '&after=' + encodeURIComponent(st.setAfter);
  const j = await act('set-err', () => api('GET', '/api/settings' + q));
  if (!j) return;
  const rows = j.keys.map((k) => el('tr', {},
    el('td', {}, el('button', { type: 'button', class: 'linkish', onclick: () => editKey(k) }, k.key)),
    el('td', { class: 'r' }, k.secret ? '\u2022\u2022\u2022\u2022' : String(k.length))));
  if (more) $('set-list').append(...rows); else fill('set-list', rows);
  if (j.keys.length) st.setAfter = j.keys[j.keys.length - 1].key;
  $('set-more').hidden = !j.more;
}
$('set-filter').addEventListener('submit', (e) => { e.preventDefault(); loadSettings(false); });
$('set-more').addEventListener('click', () => loadSettings(true));
async function editKey(k) {
  $('sk').value = k.key;
  $('sv').value = '';
  $('set-del2').hidden = true;
  say('edit-err', '');
  if (k.secret) {
    $('sv').value = '\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022';
    $('sv').disabled = $('set-save').disabled = $('set-del').disabled = true;
    say('sv-note', 'A secret: the device does not show it or change it over the network.');
    return;
  }
  $('sv').disabled = $('set-save').disabled = $('set-del').disabled = false;
  const j = await act('edit-err', () => api('GET', '/api/settings/' + k.key.split('/').map(encodeURIComponent).join('/')));
  if (!j) return;
  $('sv').value = j.value;
  const hex = j.encoding === 'hex';
  $('sv').disabled = $('set-save').disabled = hex;
  say('sv-note', hex ? 'Binary value, shown as hex (read-only here).' : j.length + ' bytes of text');
  $('sv').focus();
}
const keyPath = () => '/api/settings/' + $('sk').value.split('/').map(encodeURIComponent).join('/');
$('sk').addEventListener('input', () => { $('sv').disabled = $('set-save').disabled = $('set-del').disabled = false; say('sv-note', ''); });
$('set-edit').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await act('edit-err', () => api('PUT', keyPath(), $('sv').value));
  if (r) { say('sv-note', 'Saved (' + r.length + ' bytes).'); loadSettings(false); if ($('sk').value === 'akira/http/read_auth') loadReadAuth(); }
});
$('set-del').addEventListener('click', () => { $('set-del2').hidden = false; $('set-del2').focus(); });
$('set-del2').addEventListener('click', async () => {
  $('set-del2').hidden = true;
  const r = await act('edit-err', () => api('DELETE', keyPath()));
  if (r) { say('sv-note', 'Deleted.'); $('sv').value = ''; loadSettings(false); }
});
async function loadReadAuth() {
  if (!st.token) { $('readauth').disabled = true; say('readauth-err', 'Log in to see and change settings.'); return; }
  $('readauth').disabled = false;
  say('readauth-err', '');
  try {
    const j = await api('GET', '/api/settings/akira/http/read_auth');
    $('readauth').checked = j.value === '1';
  } catch (e) {
    if (e.status === 404) $('readauth').checked = false; else say('readauth-err', e.message);
  }
}
$('readauth').addEventListener('change', async () => {
  const on = $('readauth').checked;
  const r = await act('readauth-err', () => api('PUT', '/api/settings/akira/http/read_auth', on ? '1' : '0'));
  if (!r) $('readauth').checked = !on;
});

/* ---- hardware ----------------------------------------------------------------- */
function renderGpio() {
  const g = st.gpio;
  if (!g) return;
  const box = $('gpio');
  if (box.children.length !== g.count) {
    fill('gpio', Array.from({ length: g.count }, (_, i) => el('button', {
      type: 'button', 'data-pin': i, onclick: () => togglePin(i),
    }, '')));
  }
  for (let i = 0; i < g.count; i++) {
    const b = box.children[i];
    const bit = 2 ** i;
    const out = Math.floor(g.outputs / bit) % 2 === 1, inp = Math.floor(g.inputs / bit) % 2 === 1;
    const lv = Math.floor(g.levels / bit) % 2;
    b.textContent = 'P' + i + ' ' + (out ? 'out' : inp ? 'in' : 'off') + ' ' + lv;
    b.className = (lv ? 'hi ' : '') + (out ? 'out' : '');
    b.disabled = out;
    b.setAttribute('aria-pressed', lv ? 'true' : 'false');
    b.setAttribute('aria-label', 'Pin ' + i + ', ' + (out ? 'output' : inp ? 'input' : 'unused') + ', level ' + lv);
  }
}
async function togglePin(i) {
  const lv = Math.floor(st.gpio.levels / 2 ** i) % 2;
  const r = await act('gpio-err', () => api('POST', '/api/gpio/' + i, lv ? '0' : '1'));
  if (r) say('gpio-err', '');
}
function onSensors(j) {
  const rows = [];
  const chans = [];
  for (const s of j.sensors) {
    if (s.error) { rows.push(el('tr', {}, el('td', {}, s.name), el('td', { colspan: 3, class: 'err' }, s.error))); continue; }
    for (const r of s.readings) {
      const id = s.name + '/' + r.channel;
      chans.push(id);
      const h = st.chart[id] || (st.chart[id] = []);
      h.push(r.micro / 1e6);
      if (h.length > CHART_MAX) h.shift();
      rows.push(el('tr', {}, el('td', {}, s.name), el('td', {}, r.channel), el('td', { class: 'r' }, r.value), el('td', {}, r.unit)));
    }
  }
  fill('sens', rows);
  const sel = $('chart-ch');
  if (sel.options.length !== chans.length) {
    const keep = sel.value;
    sel.replaceChildren(...chans.map((c) => el('option', { value: c }, c)));
    if (chans.includes(keep)) sel.value = keep;
  }
  drawChart();
}
function drawChart() {
  const c = $('chart'), g = c.getContext('2d'), h = st.chart[$('chart-ch').value] || [];
  g.clearRect(0, 0, c.width, c.height);
  if (h.length < 2) return;
  let lo = Math.min(...h), hi = Math.max(...h);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  g.strokeStyle = getComputedStyle(document.body).getPropertyValue('--acc') || '#0b5fc1';
  g.lineWidth = 2;
  g.beginPath();
  h.forEach((v, i) => {
    const x = (i / (CHART_MAX - 1)) * (c.width - 8) + 4, y = c.height - 6 - ((v - lo) / (hi - lo)) * (c.height - 24);
    if (i) g.lineTo(x, y); else g.moveTo(x, y);
  });
  g.stroke();
  g.fillStyle = getComputedStyle(document.body).color;
  g.font = '12px system-ui';
  g.fillText(hi.toPrecision(4), 6, 13);
  g.fillText(lo.toPrecision(4), 6, c.height - 4);
}
$('chart-ch').addEventListener('change', drawChart);

/* ---- firmware ----------------------------------------------------------------- */
async function loadOta() {
  const j = await act('fw-err', () => api('GET', '/api/ota'));
  if (!j) { fill('fw-slots', []); return; }
  const row = (name, s) => el('tr', {}, el('td', {}, name), el('td', {}, s.version || '\u2013'),
    el('td', {}, s.error || s.problem || [s.valid ? 'valid' : 'invalid', s.confirmed ? 'confirmed' : '', s.test ? 'on test' : '', s.pending ? 'pending' : ''].filter(Boolean).join(', ')),
    el('td', {}, s.signed_by || 'unsigned'));
  fill('fw-slots', [row('running (primary)', j.primary), row('update (secondary)', j.secondary)]);
}
$('fw-confirm').addEventListener('click', () => act('fw-act-err', async () => { await api('POST', '/api/ota/confirm'); await loadOta(); }));
$('fw-revert').addEventListener('click', () => act('fw-act-err', async () => { await api('POST', '/api/ota/revert'); await loadOta(); }));
$('fw-reboot').addEventListener('click', () => act('fw-act-err', () => api('POST', '/api/reboot')));
$('fw-file').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  e.target.value = '';
  if (!f) return;
  if (await upload('/api/ota', f, $('fw-prog'), 'fw-up-err')) loadOta();
});

/* ---- display ------------------------------------------------------------------ */
let scrUrl = '', scrBusy = false, scrAgain = false;
async function loadScreen() {
  if (scrBusy) { scrAgain = true; return; }
  scrBusy = true;
  try {
    const r = await act('disp-err', () => api('GET', '/api/display.png', undefined, true));
    if (r) {
      const url = URL.createObjectURL(await r.blob());
      const img = $('scr');
      img.onload = () => {
        if (img.naturalWidth) img.style.aspectRatio = img.naturalWidth + '/' + img.naturalHeight;
      };
      img.src = url;
      if (scrUrl) URL.revokeObjectURL(scrUrl);
      scrUrl = url;
    }
  } finally {
    scrBusy = false;
    if (scrAgain) { scrAgain = false; loadScreen(); }
  }
}
const input = (line) => act('disp-err', () => api('POST', '/api/input', line));
$('scr').addEventListener('click', (e) => {
  const img = e.currentTarget, r = img.getBoundingClientRect();
  if (!img.naturalWidth) return;
  const x = Math.floor(((e.clientX - r.left) / r.width) * img.naturalWidth);
  const y = Math.floor(((e.clientY - r.top) / r.height) * img.naturalHeight);
  input('tap ' + x + ' ' + y);
});
for (const b of $('keys').children) b.addEventListener('click', () => input('tap ' + b.dataset.k));

/* ---- the live channel (Server-Sent Events over fetch, so the token can be sent) -- */
let liveCtl = null;
function topics() {
  const t = ['status', 'log', 'applog', 'gpio'];
  if (st.view === 'hardware') t.push('sensors');
  if (st.view === 'display' && st.token) t.push('display');
  return t.join(',');
}
function restartLive() {
  if (st.wake) { st.wake(); st.wake = null; }
  if (liveCtl) { st.restart = true; liveCtl.abort(); }
}
function setConn(s, cls) { const c = $('conn'); c.textContent = s; c.className = 'pill ' + (cls || ''); }
const HANDLERS = {
  hello: (h) => {
    if (h.uptime_ms < st.uptime) { /* rebooted: its rings start again */
      st.logSeq = 0; st.appSeq = {}; st.dlog = []; st.appLogs = {}; st.cpu = {};
      if (st.view === 'log') renderLog();
      if (st.view === 'overview') loadStatus();
      if (st.view === 'firmware') loadOta(); /* an update may have been swapped in */
    }
    st.uptime = h.uptime_ms;
    $('dev').textContent = h.board + ' \u00b7 ' + h.version;
  },
  status: onStatus,
  log: onLog,
  applog: onAppLog,
  apps: appsChanged,
  gpio: (g) => { st.gpio = g; if (st.view === 'hardware') renderGpio(); },
  sensors: onSensors,
  display: (d) => { if (d.seq !== st.dispSeq) { st.dispSeq = d.seq; if (st.view === 'display') loadScreen(); } },
};
function dispatch(block) {
  let ev = 'message', data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) ev = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data || !HANDLERS[ev]) return;
  try { HANDLERS[ev](JSON.parse(data)); } catch (e) { console.warn('event', ev, e); }
}
async function live() {
  let delay = 500;
  for (;;) {
    if (st.needLogin && !st.token) {
      /* Reads need the token: no tries without it (each would count as a failure). */
      setConn('log in', 'down');
      await new Promise((res) => { st.wake = res; });
      continue;
    }
    const ctl = new AbortController();
    liveCtl = ctl;
    st.topics = topics();
    let quiet = 0;
    const watchdog = setInterval(() => { if (++quiet > 25) ctl.abort(); }, 1000);
    try {
      const r = await fetch('/api/events?topics=' + st.topics + '&log_after=' + st.logSeq,
        { headers: authHdr(), signal: ctl.signal, cache: 'no-store' });
      if (!r.ok) throw await errorOf(r);
      setConn('live', 'live');
      delay = 500;
      const rd = r.body.getReader(), dec = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await rd.read();
        if (done) break;
        quiet = 0;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) { dispatch(buf.slice(0, i)); buf = buf.slice(i + 2); }
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { route(); continue; }
    } finally { clearInterval(watchdog); }
    if (st.restart) { st.restart = false; continue; } /* the view or the login changed */
    setConn('reconnecting', 'down');
    await new Promise((res) => setTimeout(res, delay));
    delay = Math.min(delay * 2, 5000);
    if (st.view === 'overview') loadStatus();
  }
}

showLoginState();
(async () => {
  /* Does the device let us read without the token? */
  try { await api('GET', '/api/status'); } catch (e) { if (e.status === 401) st.needLogin = true; }
  route();
  live();
})();
