// Gannet live dashboard: /events/stats feeds four canvas charts, /chat/{room} a chat panel. No libraries, no build.
'use strict';

const WINDOW_MS = 120_000;          // the charts show the last two minutes
const MAX_POINTS = 150;              // a little more than the window holds at one event a second

// ---- formatting ---------------------------------------------------------------------------------------------------

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234 -> "1.2k": for axis labels, where space is short. */
function compact(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return trim(v / 1e9) + 'G';
  if (a >= 1e6) return trim(v / 1e6) + 'M';
  if (a >= 1e3) return trim(v / 1e3) + 'k';
  return trim(v);
}

function trim(v) {
  return (Math.abs(v) >= 10 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)).replace(/\.0$/, '');
}

/** Microseconds as [number, unit], the unit chosen so the number stays short. */
function duration(us) {
  if (us < 1000) return [String(Math.round(us)), 'µs'];
  if (us < 1e6) return [(us / 1000).toFixed(us < 10_000 ? 2 : 1), 'ms'];
  return [(us / 1e6).toFixed(2), 's'];
}

function durationLabel(us) {
  if (us === 0) return '0';
  const [n, u] = duration(us);
  return (n.includes('.') ? n.replace(/\.?0+$/, '') : n) + u; // 2.50ms -> 2.5ms, but 500µs stays
}

function uptime(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  if (d) return `up ${d}d ${h}h`;
  if (h) return `up ${h}h ${m}m`;
  if (m) return `up ${m}m ${s % 60}s`;
  return `up ${s}s`;
}

// ---- the line chart -----------------------------------------------------------------------------------------------

/** The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at or above v. */
function niceCeil(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * Draws points [{t, v}] (t in ms) over the last WINDOW_MS ending at `now`: y from 0 to a nice maximum with four
 * labelled grid lines, x labelled in seconds ago, the line filled underneath, the latest point marked.
 */
function drawChart(canvas, points, now, color, label) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);

  const pad = { left: 48, right: 10, top: 8, bottom: 20 };
  const pw = w - pad.left - pad.right, ph = h - pad.top - pad.bottom;
  const visible = points.filter(p => p.t >= now - WINDOW_MS);
  const max = niceCeil(Math.max(1, ...visible.map(p => p.v)) * 1.1);
  const x = t => pad.left + pw * (1 - (now - t) / WINDOW_MS);
  const y = v => pad.top + ph * (1 - v / max);

  // Grid and axis labels.
  g.font = '11px system-ui, sans-serif';
  g.lineWidth = 1;
  g.strokeStyle = 'rgba(139, 148, 158, 0.18)';
  g.fillStyle = '#8b949e';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4, yy = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(pad.left, yy);
    g.lineTo(w - pad.right, yy);
    g.stroke();
    g.fillText(label(v), pad.left - 6, yy);
  }
  g.textBaseline = 'alphabetic';
  for (const s of [120, 90, 60, 30, 0]) {
    g.textAlign = s === 120 ? 'left' : s === 0 ? 'right' : 'center';
    g.fillText(s === 0 ? 'now' : `-${s}s`, x(now - s * 1000), h - 5);
  }

  canvas.dataset.points = String(visible.length);
  if (visible.length === 0) return;

  // The area under the line, then the line, then the latest point.
  g.save();
  g.beginPath();
  g.rect(pad.left, pad.top - 4, pw + 4, ph + 8);
  g.clip();
  const fill = g.createLinearGradient(0, pad.top, 0, pad.top + ph);
  fill.addColorStop(0, color + '55');
  fill.addColorStop(1, color + '00');
  g.beginPath();
  g.moveTo(x(visible[0].t), y(0));
  for (const p of visible) g.lineTo(x(p.t), y(p.v));
  g.lineTo(x(visible[visible.length - 1].t), y(0));
  g.closePath();
  g.fillStyle = fill;
  g.fill();

  g.beginPath();
  visible.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.v)) : g.moveTo(x(p.t), y(p.v))));
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.lineJoin = 'round';
  g.stroke();

  const last = visible[visible.length - 1];
  g.beginPath();
  g.arc(x(last.t), y(last.v), 3.5, 0, 2 * Math.PI);
  g.fillStyle = color;
  g.fill();
  g.restore();
}

// ---- stats --------------------------------------------------------------------------------------------------------

const $ = id => document.getElementById(id);
const css = getComputedStyle(document.documentElement);
const colour = name => css.getPropertyValue(name).trim();

const series = {
  connections: { points: [], color: colour('--blue'), label: compact, pick: s => s.connections ? s.connections.open : 0 },
  rps: { points: [], color: colour('--green'), label: compact, pick: s => s.requests.perSecond },
  p50: { points: [], color: colour('--amber'), label: durationLabel, pick: s => s.latencyMicros.p50 },
  p99: { points: [], color: colour('--red'), label: durationLabel, pick: s => s.latencyMicros.p99 },
};

let lastEventAt = Date.now();

function redraw() {
  const now = Date.now();
  for (const [name, s] of Object.entries(series)) drawChart($(name + '-chart'), s.points, now, s.color, s.label);
}

function onStats(s) {
  const now = Date.now();
  lastEventAt = now;
  for (const ser of Object.values(series)) {
    ser.points.push({ t: now, v: ser.pick(s) });
    if (ser.points.length > MAX_POINTS) ser.points.shift();
  }
  $('connections-value').textContent = grouped.format(series.connections.pick(s));
  $('rps-value').textContent = grouped.format(s.requests.perSecond);
  for (const p of ['p50', 'p99']) {
    const [n, unit] = duration(series[p].pick(s));
    $(p + '-value').textContent = n;
    $(p + '-unit').textContent = unit;
  }
  const ws = s.websockets ? s.websockets.open : 0, streams = s.eventStreams ? s.eventStreams.open : 0;
  $('connections-sub').textContent = `${grouped.format(ws)} WebSocket · ${grouped.format(streams)} event stream`
      + (s.connections ? ` · ${grouped.format(s.connections.accepted)} accepted` : '');
  $('rps-sub').textContent = `${grouped.format(s.requests.total)} total · ${grouped.format(s.requests.active)} in flight`;
  $('p99-sub').textContent = `since start · p99.9 ${durationLabel(s.latencyMicros.p999)} · max ${durationLabel(s.latencyMicros.max)}`;
  $('engine').textContent = s.engine ? `engine ${s.engine}` : '';
  $('uptime').textContent = uptime(s.uptimeSeconds);
  redraw();
}

function setStatus(el, on, text) {
  el.textContent = text;
  el.classList.toggle('on', on);
  el.classList.toggle('off', !on);
}

// EventSource reconnects by itself (sending Last-Event-ID); the pill shows whether events are flowing.
const events = new EventSource('/events/stats');
events.addEventListener('stats', e => onStats(JSON.parse(e.data)));
events.onopen = () => setStatus($('status'), true, 'live');
events.onerror = () => setStatus($('status'), false, 'reconnecting…');
// Keep the charts scrolling (and flag a stalled stream) even when no event arrives.
setInterval(() => {
  if (Date.now() - lastEventAt > 3000 && events.readyState === EventSource.OPEN) setStatus($('status'), false, 'stalled');
  redraw();
}, 1000);
window.addEventListener('resize', redraw);
redraw();

// ---- chat ---------------------------------------------------------------------------------------------------------

const ROOM = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LOG = 200;
let socket = null, me = null, room = null, retryMs = 1000, retryTimer = null;

function logLine(text, cls, from) {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  if (from !== undefined) {
    const f = document.createElement('span');
    f.className = 'from';
    f.textContent = from;
    li.appendChild(f);
  }
  // textContent, never innerHTML: what others type is shown, not run.
  li.appendChild(document.createTextNode(text));
  const log = $('chat-log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.appendChild(li);
  while (log.children.length > MAX_LOG) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function join(name) {
  clearTimeout(retryTimer);
  if (socket) {
    socket.onclose = null; // leaving on purpose: no reconnect
    socket.close();
  }
  room = name;
  me = null;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat/' + encodeURIComponent(name);
  const ws = new WebSocket(url);
  socket = ws;
  $('chat-send').disabled = true;
  setStatus($('chat-status'), false, 'connecting…');
  ws.onopen = () => {
    retryMs = 1000;
    $('chat-send').disabled = false;
    setStatus($('chat-status'), true, '#' + name);
  };
  ws.onmessage = e => {
    let m;
    try {
      m = JSON.parse(e.data);
    } catch {
      return;
    }
    if (m.you) {
      me = m.you;
      logLine(`joined #${name} as user ${me}`, 'system');
    } else if (typeof m.text === 'string') {
      const mine = m.from === me;
      logLine(m.text, mine ? 'mine' : '', mine ? 'you' : 'user ' + m.from);
    }
  };
  ws.onclose = () => {
    $('chat-send').disabled = true;
    setStatus($('chat-status'), false, 'offline');
    if (socket !== ws) return;
    // The server went away or restarted: try again, backing off to ten seconds.
    retryTimer = setTimeout(() => join(name), retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

$('room-form').addEventListener('submit', e => {
  e.preventDefault();
  const name = $('chat-room').value.trim();
  if (!ROOM.test(name)) {
    logLine('a room name is 1 to 64 letters, digits, - or _', 'system');
    return;
  }
  if (name !== room || !socket || socket.readyState > WebSocket.OPEN) join(name);
});

$('chat-form').addEventListener('submit', e => {
  e.preventDefault();
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
  socket.send(text);
  input.value = '';
  input.focus();
});

join($('chat-room').value);
