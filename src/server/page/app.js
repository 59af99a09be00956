// The CODEX booth page: plain JavaScript against the JSON API of `codex serve` (same origin).
'use strict';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const state = {
  session: localStorage.getItem('codex.session') || ('set-' + new Date().toISOString().slice(0, 10)),
  now: null,          // the track shown as now playing (a library row)
  nowPlayed: false,   // recorded as played in the set (else a preview of a suggestion)
  stack: [], at: -1,  // back/forward through what was shown as now playing
  cards: [], picked: -1,
  selected: null,     // the track in the detail panel
  detail: null,
  sort: 'artist', desc: false,
  plays: [],
  job: null,
};

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function toast(msg) {
  const t = $('toast');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

async function api(path, body, method) {
  const opt = { method: method || (body ? 'POST' : 'GET'), headers: {} };
  if (body) { opt.headers['Content-Type'] = 'application/json'; opt.body = JSON.stringify(body); }
  const res = await fetch(path, opt);
  let data = null;
  try { data = await res.json(); } catch (e) { data = { error: 'HTTP ' + res.status }; }
  if (!res.ok) throw new Error(data && data.error ? data.error : 'HTTP ' + res.status);
  return data;
}

const fmtBpm = (b) => (b === null || b === undefined) ? '–' : (Math.round(b * 10) / 10).toString();
const fmtNum = (v) => (v === null || v === undefined) ? '–' : String(Math.round(v));
const fmtTime = (s) => (s === null || s === undefined) ? '–' : Math.floor(s / 60) + ':' + String(Math.floor(s % 60)).padStart(2, '0');

// ---- now playing ----

function fact(label, value) {
  const f = el('span', 'fact');
  f.append(el('small', null, label), document.createTextNode(value));
  return f;
}

function renderNow() {
  const body = $('now-body');
  body.replaceChildren();
  const t = state.now;
  $('now-actions').hidden = !t || state.nowPlayed;
  $('now-label').textContent = !t ? 'Now playing' : state.nowPlayed ? 'Now playing' : 'Preview — not played yet';
  $('now-label').classList.toggle('preview', !!t && !state.nowPlayed);
  $('back').disabled = state.at <= 0;
  $('forward').disabled = state.at >= state.stack.length - 1;
  if (!t) {
    body.append(el('div', 'empty', 'Nothing is playing yet: pick a track in the library below and press Play now.'));
    drawWheel(null);
    drawPlane();
    return;
  }
  body.append(el('div', 'now-title', t.title || '(untitled)'), el('div', 'now-artist', t.artist || ''));
  const facts = el('div', 'facts');
  facts.append(fact('BPM', fmtBpm(t.bpm)), fact('key', t.key || '–'), fact('energy', fmtNum(t.energy)),
               fact('vibe', t.vibe || '–'), fact('genre', t.genre || '–'));
  if (typeof t.valence === 'number' && typeof t.arousal === 'number') {
    facts.append(fact('mood', (t.valence >= 0 ? '+' : '') + t.valence.toFixed(2) + ' / ' + (t.arousal >= 0 ? '+' : '') + t.arousal.toFixed(2)));
  }
  body.append(facts);
  body.dataset.trackId = t.track_id;
  drawWheel(t.key);
  drawPlane();
}

function showNow(track, played, push) {
  state.now = track;
  state.nowPlayed = played;
  if (push !== false) {
    state.stack = state.stack.slice(0, state.at + 1);
    state.stack.push({ track, played });
    state.at = state.stack.length - 1;
  }
  renderNow();
  select(track);
  suggest();
}

function go(delta) {
  const to = state.at + delta;
  if (to < 0 || to >= state.stack.length) return;
  state.at = to;
  showNow(state.stack[to].track, state.stack[to].played, false);
}

async function loadSet() {
  const data = await api('/api/now?session=' + encodeURIComponent(state.session));
  state.plays = data.plays || [];
  renderSet();
  drawPlane();
  return data;
}

// One accept or skip at a time: a double Enter must not record the play twice.
let acting = false;
async function act(fn) {
  if (acting) return;
  acting = true;
  try { await fn(); } catch (e) { toast(e.message); } finally { acting = false; }
}

function accept(track, from) {
  return act(async () => {
    await api('/api/feedback', { session: state.session, track_id: track.track_id, action: 'accept', from: from || '' });
    await loadSet();
    const entry = state.stack[state.at];
    if (entry && entry.track.track_id === track.track_id) {
      // The preview shown now is the one accepted: it is played, in place (back still leads to
      // what played before it).
      entry.played = true;
      showNow(track, true, false);
    } else {
      showNow(track, true);
    }
  });
}

function skip(track, from) {
  return act(async () => {
    await api('/api/feedback', { session: state.session, track_id: track.track_id, action: 'skip', from: from || '' });
    if (state.now && state.now.track_id === track.track_id && !state.nowPlayed) go(-1); else suggest();
  });
}

async function playNow(track) {
  try {
    await api('/api/now', { session: state.session, track_id: track.track_id });
    await loadSet();
    showNow(track, true);
  } catch (e) { toast(e.message); }
}

// ---- suggestions ----

let suggestSeq = 0;
async function suggest() {
  if (!state.now) return;
  const seq = ++suggestSeq;
  const body = { session: state.session, current: state.now.track_id, prompt: $('prompt').value, mode: $('mode').value,
                 crate: $('crate').value, top: 5 };
  try {
    const data = await api('/api/recommend', body);
    if (seq !== suggestSeq) return;
    renderChips(data.intent);
    state.cards = data.results;
    state.picked = -1;
    $('relaxed').textContent = data.relaxed && data.relaxed.length ? '(relaxed: ' + data.relaxed.join(', ') + ')' : '';
    renderCards();
    drawPlane();
  } catch (e) { toast(e.message); }
}

function renderChips(intent) {
  const chips = $('chips');
  chips.replaceChildren();
  for (const u of (intent && intent.understood) || []) chips.append(el('span', 'chip', u));
  for (const u of (intent && intent.unknown) || []) {
    const c = el('span', 'chip unknown', u);
    c.title = 'not understood';
    chips.append(c);
  }
}

function renderCards() {
  const ol = $('cards');
  ol.replaceChildren();
  if (!state.cards.length) {
    ol.append(el('li', 'empty', 'No track fits; try “any key” or “tempo change”.'));
    return;
  }
  state.cards.forEach((t, i) => {
    const li = el('li', 'card' + (i === state.picked ? ' picked' : ''));
    li.tabIndex = 0;
    li.dataset.trackId = t.track_id;
    const top = el('div', 'card-top');
    top.append(el('span', 'card-n', String(i + 1)), el('span', 'card-score', t.score.toFixed(2)));
    const facts = el('div', 'card-facts', fmtBpm(t.bpm) + ' BPM · ' + (t.key || '–') + ' · energy ' + fmtNum(t.energy));
    const pills = el('div', 'pills');
    for (const r of t.reasons || []) pills.append(el('span', 'pill', r));
    const actions = el('div', 'card-actions');
    const a = el('button', 'accept', 'Accept');
    const s = el('button', 'skip', 'Skip');
    const from = state.now ? state.now.track_id : '';
    a.addEventListener('click', (ev) => { ev.stopPropagation(); accept(t, from); });
    s.addEventListener('click', (ev) => { ev.stopPropagation(); skip(t, from); });
    actions.append(a, s);
    li.append(top, el('div', 'card-title', t.title || '(untitled)'), el('div', 'card-artist', t.artist || ''), facts, pills, actions);
    li.addEventListener('click', () => showNow(t, false));
    li.addEventListener('keydown', (ev) => { if (ev.key === ' ') { ev.preventDefault(); showNow(t, false); } });
    ol.append(li);
  });
}

function pick(i) {
  if (i >= state.cards.length) return;
  state.picked = i;
  renderCards();
  drawPlane();
  const card = $('cards').children[i];
  if (card) card.focus();
}

// ---- one track: overview, beats, sections, audition ----

async function select(track) {
  state.selected = track;
  $('play-now').disabled = false;
  $('detail-title').textContent = (track.artist ? track.artist + ' — ' : '') + (track.title || '');
  for (const tr of $('rows').children) tr.classList.toggle('selected', tr.dataset.trackId === track.track_id);
  const audio = $('audio');
  audio.pause();
  audio.removeAttribute('src');
  $('audio-state').textContent = '';
  try {
    const d = await api('/api/tracks/' + encodeURIComponent(track.track_id));
    if (!state.selected || state.selected.track_id !== track.track_id) return;
    state.detail = d;
    const rec = d.record || {};
    const bits = [fmtBpm(track.bpm) + ' BPM', track.key || '–', 'energy ' + fmtNum(track.energy), fmtTime(track.duration_s)];
    if (rec.structure) bits.push(rec.structure.join(' → '));
    $('detail-meta').textContent = bits.join(' · ');
    $('audition').disabled = !d.audio;
    drawWave();
  } catch (e) { toast(e.message); }
}

function drawWave() {
  const c = $('wave');
  const w = c.clientWidth || 1200;
  c.width = w * (window.devicePixelRatio || 1);
  c.height = 170 * (window.devicePixelRatio || 1);
  const g = c.getContext('2d');
  g.scale(window.devicePixelRatio || 1, window.devicePixelRatio || 1);
  g.clearRect(0, 0, w, 170);
  const d = state.detail;
  const H = 140;
  if (!d || !d.overview) {
    g.fillStyle = '#9aa7b5';
    g.font = '15px system-ui';
    g.fillText(d ? 'No overview: an imported record without analysed audio.' : '', 12, 80);
    return;
  }
  const db = d.overview.db, hop = d.overview.hop_s;
  const dur = (state.selected && state.selected.duration_s) || db.length * hop;
  const x = (t) => (t / dur) * w;
  const colors = { intro: '#2b4a6f', outro: '#2b4a6f', breakdown: '#5a3d7a', drop: '#7a3d3d', instrumental: '#2f5a4f' };
  for (const s of d.sections || []) {
    g.fillStyle = colors[s.name] || '#333';
    g.fillRect(x(s.start_s), H, Math.max(1, x(s.end_s) - x(s.start_s)), 30);
    g.fillStyle = '#f2f5f8';
    g.font = 'bold 12px system-ui';
    if (x(s.end_s) - x(s.start_s) > 40) g.fillText(s.name, x(s.start_s) + 4, H + 19);
  }
  // Beats where they are far enough apart to see, downbeats always.
  const beats = d.beats || [], downs = d.downbeats || [];
  if (beats.length > 1 && w / beats.length > 3) {
    g.strokeStyle = 'rgba(154,167,181,0.25)';
    g.beginPath();
    for (const b of beats) { g.moveTo(x(b) + 0.5, 0); g.lineTo(x(b) + 0.5, H); }
    g.stroke();
  }
  g.strokeStyle = 'rgba(255,181,71,0.55)';
  g.beginPath();
  for (const b of downs) { g.moveTo(x(b) + 0.5, 0); g.lineTo(x(b) + 0.5, H); }
  g.stroke();
  // The loudness envelope, mirrored.
  let lo = Infinity, hi = -Infinity;
  for (const v of db) { if (v > -90) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  if (!isFinite(lo)) { lo = -60; hi = 0; }
  lo = Math.max(lo, hi - 18);  // 18 dB: the level changes a DJ looks for (breakdowns, drops)
  g.fillStyle = '#38e0c3';
  const bw = Math.max(1, w / db.length);
  db.forEach((v, i) => {
    const a = Math.max(0, Math.min(1, (v - lo) / Math.max(1, hi - lo)));
    const h = a * (H / 2 - 4);
    g.fillRect(x(i * hop), H / 2 - h, bw, 2 * h);
  });
  const audio = $('audio');
  if (audio.src && audio.duration) {
    g.fillStyle = '#ffb547';
    g.fillRect(x(audio.currentTime), 0, 2, H);
  }
}

// ---- the Camelot wheel ----

function camelotParts(k) {
  const m = /^(\d{1,2})([AB])$/.exec(k || '');
  return m ? { n: +m[1], l: m[2] } : null;
}

function compatibility(from, to) {
  if (!from || !to) return 0;
  const step = ((to.n - from.n) % 12 + 12) % 12;
  const d = Math.min(step, 12 - step);
  if (from.l === to.l) return d === 0 ? 1 : d === 1 ? 0.9 : d === 2 ? 0.7 : step === 7 ? 0.3 : 0;
  return d === 0 ? 0.9 : d === 1 ? 0.6 : 0;
}

function drawWheel(key) {
  const svg = $('wheel');
  svg.replaceChildren();
  const cur = camelotParts(key);
  const ring = (l, r0, r1) => {
    for (let n = 1; n <= 12; n++) {
      const a0 = ((n - 1) * 30 - 105) * Math.PI / 180, a1 = (n * 30 - 105) * Math.PI / 180;
      const p = (r, a) => (r * Math.cos(a)).toFixed(2) + ' ' + (r * Math.sin(a)).toFixed(2);
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', 'M ' + p(r0, a0) + ' L ' + p(r1, a0) + ' A ' + r1 + ' ' + r1 + ' 0 0 1 ' + p(r1, a1) +
                        ' L ' + p(r0, a1) + ' A ' + r0 + ' ' + r0 + ' 0 0 0 ' + p(r0, a0) + ' Z');
      const c = compatibility(cur, { n, l });
      const isCur = cur && cur.n === n && cur.l === l;
      path.setAttribute('fill', isCur ? '#38e0c3' : c >= 0.9 ? '#1f8f7d' : c >= 0.6 ? '#1f4f48' : '#1a2029');
      path.setAttribute('stroke', '#0b0d10');
      path.setAttribute('stroke-width', '2');
      path.dataset.key = n + l;
      if (isCur) path.dataset.current = '1'; else if (c >= 0.6) path.dataset.compatible = '1';
      svg.append(path);
      const am = (a0 + a1) / 2, rm = (r0 + r1) / 2;
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', (rm * Math.cos(am)).toFixed(1));
      t.setAttribute('y', (rm * Math.sin(am)).toFixed(1));
      t.textContent = n + l;
      if (isCur) t.setAttribute('fill', '#0b0d10');
      svg.append(t);
    }
  };
  ring('B', 100, 150);
  ring('A', 52, 98);
  const mid = document.createElementNS(SVG, 'text');
  mid.setAttribute('x', '0');
  mid.setAttribute('y', '0');
  mid.textContent = key || '–';
  mid.setAttribute('font-size', '20');
  svg.append(mid);
}

// ---- the mood plane: valence (sad/tense → happy/serene) across, arousal (calm → excited) up ----

function drawPlane() {
  const svg = $('plane');
  svg.replaceChildren();
  const R = 100;
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  const known = (t) => t && typeof t.valence === 'number' && typeof t.arousal === 'number';
  // Points are kept just inside the frame (a reading of exactly ±1 sits on its edge otherwise).
  const X = (t) => (t.valence * (R - 8)).toFixed(1), Y = (t) => (-t.arousal * (R - 8)).toFixed(1);
  add('rect', { x: -R, y: -R, width: 2 * R, height: 2 * R, fill: '#12171e', stroke: '#2a323d' });
  add('line', { x1: -R, y1: 0, x2: R, y2: 0, stroke: '#2a323d' });
  add('line', { x1: 0, y1: -R, x2: 0, y2: R, stroke: '#2a323d' });
  const label = (x, y, t) => add('text', { x, y, fill: '#5d6b7a', 'font-size': '11', 'text-anchor': 'middle' }, t);
  label(50, -46, 'happy'); label(-50, -46, 'tense'); label(-50, 54, 'sad'); label(50, 54, 'calm');
  label(0, 116, 'valence →');
  add('text', { x: -112, y: 0, fill: '#5d6b7a', 'font-size': '11', 'text-anchor': 'middle', transform: 'rotate(-90 -112 0)' }, 'arousal →');
  // The set so far, as a path.
  const path = state.plays.filter(known);
  if (path.length >= 2) {
    const pl = add('polyline', { points: path.map((p) => X(p) + ',' + Y(p)).join(' '), fill: 'none', stroke: '#7b8cff', 'stroke-width': '2', 'stroke-dasharray': '4 3' });
    pl.dataset.series = 'set';
  }
  for (const p of path) add('circle', { cx: X(p), cy: Y(p), r: '3', fill: '#7b8cff' });
  // The five suggestions, numbered, with a line from now to each.
  const now = state.now;
  state.cards.forEach((t, i) => {
    if (!known(t)) return;
    if (known(now)) add('line', { x1: X(now), y1: Y(now), x2: X(t), y2: Y(t), stroke: '#ffb54755', 'stroke-width': '1.5' });
    const c = add('circle', { cx: X(t), cy: Y(t), r: i === state.picked ? '9' : '7', fill: '#ffb547' });
    c.dataset.card = String(i + 1);
    add('text', { x: X(t), y: (Y(t) * 1 + 4).toFixed(1), fill: '#0b0d10', 'font-size': '10', 'text-anchor': 'middle', 'font-weight': '700' }, String(i + 1));
  });
  if (known(now)) {
    const c = add('circle', { cx: X(now), cy: Y(now), r: '9', fill: '#38e0c3', stroke: '#0b0d10', 'stroke-width': '2' });
    c.dataset.now = '1';
  } else {
    label(0, 4, now ? 'mood not heard for this track' : 'nothing playing');
  }
}

// ---- the set so far ----

function renderSet() {
  const svg = $('setline');
  svg.replaceChildren();
  const plays = state.plays;
  $('bpm-range').textContent = '';
  const ol = $('plays');
  ol.replaceChildren();
  plays.forEach((p, i) => {
    const li = el('li', i === plays.length - 1 ? 'last' : '', (p.artist ? p.artist + ' — ' : '') + (p.title || p.track_id) +
                  '  (' + fmtBpm(p.bpm) + ' BPM, ' + (p.key || '–') + ', energy ' + fmtNum(p.energy) + ')');
    ol.append(li);
  });
  if (plays.length === 0) {
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', '200'); t.setAttribute('y', '80'); t.setAttribute('fill', '#9aa7b5');
    t.setAttribute('text-anchor', 'middle');
    t.textContent = 'Nothing played in this set yet';
    svg.append(t);
    return;
  }
  const W = 400, H = 160, pad = 14;
  const xs = (i) => plays.length === 1 ? W / 2 : pad + i * (W - 2 * pad) / (plays.length - 1);
  const bpms = plays.map((p) => p.bpm).filter((b) => b);
  const bLo = Math.min(...bpms, 200) - 2, bHi = Math.max(...bpms, 60) + 2;
  const line = (vals, lo, hi, color, name) => {
    const pts = [];
    vals.forEach((v, i) => { if (v !== null && v !== undefined) pts.push([xs(i), H - pad - (v - lo) / Math.max(1e-9, hi - lo) * (H - 2 * pad)]); });
    if (!pts.length) return;
    const pl = document.createElementNS(SVG, 'polyline');
    pl.setAttribute('points', pts.map((p) => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' '));
    pl.setAttribute('fill', 'none'); pl.setAttribute('stroke', color); pl.setAttribute('stroke-width', '3');
    pl.dataset.series = name;
    svg.append(pl);
    for (const p of pts) {
      const c = document.createElementNS(SVG, 'circle');
      c.setAttribute('cx', p[0].toFixed(1)); c.setAttribute('cy', p[1].toFixed(1)); c.setAttribute('r', '4');
      c.setAttribute('fill', color);
      svg.append(c);
    }
  };
  line(plays.map((p) => p.energy), 0, 10, '#38e0c3', 'energy');
  $('bpm-range').textContent = bpms.length ? ' ' + fmtBpm(Math.min(...bpms)) + '–' + fmtBpm(Math.max(...bpms)) : '';
  line(plays.map((p) => p.bpm), bpms.length ? Math.min(...bpms) - 3 : bLo, bpms.length ? Math.max(...bpms) + 3 : bHi, '#ffb547', 'bpm');
}

// ---- the library table ----

let querySeq = 0;
let queryTimer = null;
// The table is "busy" from a keystroke until its answer is drawn (tests wait for it to settle).
function queueQuery() {
  document.body.dataset.tableBusy = '1';
  clearTimeout(queryTimer);
  queryTimer = setTimeout(query, 120);
}

async function query() {
  document.body.dataset.tableBusy = '1';
  const seq = ++querySeq;
  const p = new URLSearchParams();
  const add = (k, v) => { if (v !== '' && v !== null && v !== undefined) p.set(k, v); };
  add('q', $('search').value.trim());
  add('bpm_min', $('bpm-min').value); add('bpm_max', $('bpm-max').value);
  add('energy_min', $('energy-min').value); add('energy_max', $('energy-max').value);
  add('key', $('key').value.trim());
  if ($('compatible').checked) p.set('compatible', '1');
  add('genre', $('genre').value); add('vibe', $('vibe').value);
  p.set('sort', (state.desc ? '-' : '') + state.sort);
  p.set('limit', '200');
  try {
    const data = await api('/api/library?' + p.toString());
    if (seq !== querySeq) return;
    renderRows(data);
  } catch (e) { toast(e.message); }
  if (seq === querySeq) document.body.dataset.tableBusy = '0';
}

function renderRows(data) {
  const body = $('rows');
  body.replaceChildren();
  for (const t of data.items) {
    const tr = el('tr');
    tr.dataset.trackId = t.track_id;
    if (state.selected && state.selected.track_id === t.track_id) tr.classList.add('selected');
    const cells = [[t.artist], [t.title], [fmtBpm(t.bpm), 'num'], [t.key || '–', 'num'], [fmtNum(t.energy), 'num'],
                   [t.genre || ''], [t.vibe || ''], [fmtTime(t.duration_s), 'num']];
    for (const [v, cls] of cells) tr.append(el('td', cls || '', v));
    tr.addEventListener('click', () => select(t));
    tr.addEventListener('dblclick', () => playNow(t));
    body.append(tr);
  }
  $('count').textContent = data.total === data.items.length ? data.total + ' tracks'
                                                            : 'showing ' + data.items.length + ' of ' + data.total;
  const genre = $('genre');
  if (genre.options.length <= 1 && data.genres) {
    for (const gname of data.genres) { const o = el('option', null, gname); o.value = gname; genre.append(o); }
  }
  for (const th of document.querySelectorAll('th[data-sort]')) {
    th.classList.toggle('sorted', th.dataset.sort === state.sort);
    th.textContent = th.textContent.replace(/ [▲▼]$/, '') + (th.dataset.sort === state.sort ? (state.desc ? ' ▼' : ' ▲') : '');
  }
}

// ---- analysis jobs ----

async function pollJob() {
  try {
    const data = await api('/api/jobs');
    const job = data.jobs.length ? data.jobs[data.jobs.length - 1] : null;
    renderJob(job);
    if (job && (job.state === 'running' || job.state === 'scanning')) setTimeout(pollJob, 1000);
    else if (state.job && state.job.state !== (job && job.state)) { query(); health(); }
    state.job = job;
  } catch (e) { toast(e.message); }
}

function renderJob(job) {
  const running = job && (job.state === 'running' || job.state === 'scanning');
  $('job-progress').hidden = !job;
  $('job-cancel').hidden = !running;
  $('job-badge').hidden = !running;
  if (!job) return;
  $('job-progress').max = Math.max(1, job.total);
  $('job-progress').value = job.done;
  const cur = job.current ? ' · ' + job.current.split('/').pop() : '';
  $('job-text').textContent = job.state + ': ' + job.done + ' of ' + job.total + ' files (' + job.analyzed + ' analysed, ' +
                              job.up_to_date + ' up to date, ' + job.failed + ' failed)' + cur;
  $('job-badge').textContent = 'Analysing ' + job.done + '/' + job.total;
}

async function health() {
  try {
    const h = await api('/api/health');
    $('health').textContent = h.tracks + ' tracks';
  } catch (e) { $('health').textContent = 'offline'; }
}

// ---- wiring ----

function wire() {
  $('session').value = state.session;
  $('session').addEventListener('change', async () => {
    state.session = $('session').value.trim() || state.session;
    localStorage.setItem('codex.session', state.session);
    state.stack = []; state.at = -1; state.now = null; state.cards = []; state.picked = -1;
    $('cards').replaceChildren();
    $('chips').replaceChildren();
    try {
      const data = await loadSet();
      if (data.now) showNow(data.now, true); else renderNow();
    } catch (e) { toast(e.message); }
  });
  $('prompt-form').addEventListener('submit', (ev) => { ev.preventDefault(); suggest(); });
  $('mode').addEventListener('change', suggest);
  $('crate').addEventListener('change', suggest);
  $('back').addEventListener('click', () => go(-1));
  $('forward').addEventListener('click', () => go(1));
  $('now-accept').addEventListener('click', () => {
    const prev = state.at > 0 ? state.stack[state.at - 1].track.track_id : '';
    if (state.now) accept(state.now, prev);
  });
  $('now-skip').addEventListener('click', () => {
    const prev = state.at > 0 ? state.stack[state.at - 1].track.track_id : '';
    if (state.now) skip(state.now, prev);
  });
  $('play-now').addEventListener('click', () => { if (state.selected) playNow(state.selected); });
  $('audition').addEventListener('click', () => {
    const audio = $('audio');
    if (!state.selected) return;
    const src = '/api/tracks/' + encodeURIComponent(state.selected.track_id) + '/audio';
    if (!audio.src.endsWith(src)) audio.src = src;
    // A play() cut short by pause() is not an error worth showing.
    if (audio.paused) audio.play().catch((e) => { if (e.name !== 'AbortError') toast('cannot play: ' + e.message); });
    else audio.pause();
  });
  const audio = $('audio');
  audio.addEventListener('play', () => { $('audition').textContent = 'Pause ❚❚'; $('audio-state').textContent = 'auditioning'; });
  audio.addEventListener('pause', () => { $('audition').textContent = 'Audition ▶'; $('audio-state').textContent = ''; });
  audio.addEventListener('timeupdate', drawWave);
  $('wave').addEventListener('click', (ev) => {
    const a = $('audio');
    if (!a.src || !a.duration) return;
    const r = ev.target.getBoundingClientRect();
    a.currentTime = (ev.clientX - r.left) / r.width * a.duration;
  });
  for (const id of ['search', 'bpm-min', 'bpm-max', 'key', 'energy-min', 'energy-max']) $(id).addEventListener('input', queueQuery);
  for (const id of ['compatible', 'genre', 'vibe']) $(id).addEventListener('change', query);
  for (const th of document.querySelectorAll('th[data-sort]')) {
    th.addEventListener('click', () => {
      if (state.sort === th.dataset.sort) state.desc = !state.desc; else { state.sort = th.dataset.sort; state.desc = false; }
      query();
    });
  }
  $('job-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('/api/jobs', { folder: $('job-folder').value.trim() });
      state.job = { state: 'running' };
      pollJob();
    } catch (e) { toast(e.message); }
  });
  $('job-cancel').addEventListener('click', async () => {
    if (state.job && state.job.id) { try { await api('/api/jobs/' + state.job.id, null, 'DELETE'); } catch (e) { toast(e.message); } }
  });
  window.addEventListener('resize', drawWave);
  document.addEventListener('keydown', (ev) => {
    const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName);
    if (ev.key === 'Escape' && typing) { document.activeElement.blur(); return; }
    if (typing) return;
    if (ev.key === '/') { ev.preventDefault(); $('search').focus(); $('search').select(); return; }
    if (ev.altKey && ev.key === 'ArrowLeft') { ev.preventDefault(); go(-1); return; }
    if (ev.altKey && ev.key === 'ArrowRight') { ev.preventDefault(); go(1); return; }
    if (/^[1-5]$/.test(ev.key)) { ev.preventDefault(); pick(+ev.key - 1); return; }
    if (ev.key === 'Enter') {
      const el = document.activeElement;
      if (el && (el.tagName === 'BUTTON' || el.tagName === 'A')) return;  // Enter presses the button
      ev.preventDefault();
      const from = state.now ? state.now.track_id : '';
      const focusedCard = el && el.classList && el.classList.contains('card') ? state.cards.find((c) => c.track_id === el.dataset.trackId) : null;
      if (focusedCard) accept(focusedCard, from);
      else if (state.picked >= 0 && state.cards[state.picked]) accept(state.cards[state.picked], from);
      else if (state.now && !state.nowPlayed) $('now-accept').click();
    }
  });
}

// The crates, playlists and history sets imported from the DJ's programs: a filter for suggestions.
async function loadLists() {
  try {
    const data = await api('/api/lists');
    const sel = $('crate');
    const kinds = { crate: 'crate', playlist: 'playlist', history: 'set' };
    for (const l of data.lists) {
      const o = document.createElement('option');
      o.value = l.full_name;
      o.textContent = l.full_name + ' (' + (kinds[l.kind] || l.kind) + ', ' + l.analysed + ')';
      sel.appendChild(o);
    }
    sel.hidden = data.lists.length === 0;
  } catch (e) { toast(e.message); }
}

async function start() {
  wire();
  loadLists();
  drawWheel(null);
  drawPlane();
  renderNow();
  health();
  query();
  pollJob();
  try {
    const data = await loadSet();
    if (data.now) showNow(data.now, true);
  } catch (e) { toast(e.message); }
  document.body.dataset.ready = '1';
}

start();
