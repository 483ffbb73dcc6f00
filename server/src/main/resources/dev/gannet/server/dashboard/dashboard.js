// Gannet live dashboard: /events/stats feeds four canvas charts, /chat/{room} a chat panel. No libraries, no build;
// axis.js (loaded first) makes the y axes.
'use strict';

const WINDOW_MS = 120_000;         // the charts show the last two minutes (the server keeps as many ticks)
const MAX_POINTS = 150;            // a little more than the window holds at one event a second

// ---- formatting ---------------------------------------------------------------------------------------------------

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Microseconds as [number, unit], the unit chosen so the number stays short. */
function duration(us) {
  if (us < 1000) return [String(Math.round(us)), 'µs'];
  if (us < 1e6) return [(us / 1000).toFixed(us < 10_000 ? 2 : 1), 'ms'];
  return [(us / 1e6).toFixed(2), 's'];
}

/** A duration in a sentence: 2.50ms -> 2.5ms, but 500µs stays. */
function durationText(us) {
  if (us === 0) return '0';
  const [n, u] = duration(us);
  return (n.includes('.') ? n.replace(/\.?0+$/, '') : n) + u;
}

function uptime(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  if (d) return `up ${d}d ${h}h`;
  if (h) return `up ${h}h ${m}m`;
  if (m) return `up ${m}m ${s % 60}s`;
  return `up ${s}s`;
}

// ---- the line chart -----------------------------------------------------------------------------------------------

/**
 * Draws points [{t, v}] (t in ms, v null for a tick without a figure: a gap) over the last WINDOW_MS ending at `now`:
 * y from 0 on a round axis (axis.js), x labelled in seconds ago, the line filled underneath, the latest point marked.
 * The canvas's data-points attribute tells how many points it shows.
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

  const pad = { left: 52, right: 10, top: 8, bottom: 20 };
  const pw = w - pad.left - pad.right, ph = h - pad.top - pad.bottom;
  const visible = points.filter(p => p.t >= now - WINDOW_MS);
  const shown = visible.filter(p => p.v !== null);
  const scale = GannetAxis.axis(shown.reduce((m, p) => Math.max(m, p.v), 0));
  const x = t => pad.left + pw * (1 - (now - t) / WINDOW_MS);
  const y = v => pad.top + ph * (1 - v / scale.max);

  // Grid and axis labels.
  g.font = '11px system-ui, sans-serif';
  g.lineWidth = 1;
  g.strokeStyle = 'rgba(139, 148, 158, 0.18)';
  g.fillStyle = '#8b949e';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of scale.ticks) {
    const yy = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(pad.left, yy);
    g.lineTo(w - pad.right, yy);
    g.stroke();
    g.fillText(label(v, scale.step), pad.left - 6, yy);
  }
  g.textBaseline = 'alphabetic';
  for (const s of [120, 90, 60, 30, 0]) {
    g.textAlign = s === 120 ? 'left' : s === 0 ? 'right' : 'center';
    g.fillText(s === 0 ? 'now' : `-${s}s`, x(now - s * 1000), h - 5);
  }

  canvas.dataset.points = String(shown.length);
  if (shown.length === 0) return;

  // Runs of consecutive figures: each is filled and stroked on its own, so a tick without a figure leaves a gap.
  const runs = [];
  let run = null;
  for (const p of visible) {
    if (p.v === null) {
      run = null;
    } else {
      if (!run) runs.push(run = []);
      run.push(p);
    }
  }

  g.save();
  g.beginPath();
  g.rect(pad.left, pad.top - 4, pw + 4, ph + 8);
  g.clip();
  const fill = g.createLinearGradient(0, pad.top, 0, pad.top + ph);
  fill.addColorStop(0, color + '55');
  fill.addColorStop(1, color + '00');
  for (const r of runs) {
    g.beginPath();
    g.moveTo(x(r[0].t), y(0));
    for (const p of r) g.lineTo(x(p.t), y(p.v));
    g.lineTo(x(r[r.length - 1].t), y(0));
    g.closePath();
    g.fillStyle = fill;
    g.fill();

    g.beginPath();
    r.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.v)) : g.moveTo(x(p.t), y(p.v))));
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.stroke();
    if (r.length === 1) { // a lone figure between gaps: a dot, or it would not show
      g.beginPath();
      g.arc(x(r[0].t), y(r[0].v), 2, 0, 2 * Math.PI);
      g.fillStyle = color;
      g.fill();
    }
  }

  const last = shown[shown.length - 1];
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

// Latency is of the requests answered in one tick; a tick without requests has no latency (null: a gap).
const latencyOf = (l, p) => (l.requests > 0 ? l[p] : null);

// Each series reads its figure from a `stats` event (pick) and from column i of a `history` event (column).
const series = {
  connections: { points: [], color: colour('--blue'), label: GannetAxis.countLabel,
    pick: s => (s.connections ? s.connections.open : 0), column: (h, i) => h.connections[i] },
  rps: { points: [], color: colour('--green'), label: GannetAxis.countLabel,
    pick: s => s.requests.perSecond, column: (h, i) => h.perSecond[i] },
  p50: { points: [], color: colour('--amber'), label: GannetAxis.durationLabel,
    pick: s => latencyOf(s.latencyMicros, 'p50'), column: (h, i) => (h.requests[i] > 0 ? h.p50[i] : null) },
  p99: { points: [], color: colour('--red'), label: GannetAxis.durationLabel,
    pick: s => latencyOf(s.latencyMicros, 'p99'), column: (h, i) => (h.requests[i] > 0 ? h.p99[i] : null) },
};

let lastEventAt = Date.now();
let lastTick = 0; // the server time of the newest point, so a tick sent twice (history, then stats) plots once

function redraw() {
  const now = Date.now();
  for (const [name, s] of Object.entries(series)) drawChart($(name + '-chart'), s.points, now, s.color, s.label);
}

/** The last two minutes, sent when the stream opens (again, after a reconnect): the charts start from them. */
function onHistory(h) {
  lastEventAt = Date.now();
  // The server's clock and this page's may differ: place each tick by its age on the server.
  const ages = h.time.map(t => h.now - t);
  for (const ser of Object.values(series)) ser.points = ages.map((age, i) => ({ t: lastEventAt - age, v: ser.column(h, i) }));
  lastTick = h.time.length ? h.time[h.time.length - 1] : lastTick;
  redraw();
}

function onStats(s) {
  const now = Date.now();
  lastEventAt = now;
  if (s.time > lastTick) {
    lastTick = s.time;
    for (const ser of Object.values(series)) {
      ser.points.push({ t: now, v: ser.pick(s) });
      if (ser.points.length > MAX_POINTS) ser.points.shift();
    }
  }
  $('connections-value').textContent = grouped.format(series.connections.pick(s));
  $('rps-value').textContent = grouped.format(s.requests.perSecond);
  const l = s.latencyMicros;
  for (const p of ['p50', 'p99']) {
    const v = latencyOf(l, p);
    // Latencies are whole microseconds: 0 with requests is under one.
    const [n, unit] = v === null ? ['–', ''] : v === 0 ? ['<1', 'µs'] : duration(v);
    $(p + '-value').textContent = n;
    $(p + '-unit').textContent = unit;
  }
  const second = l.intervalSeconds === 1 ? 'last second' : `last ${l.intervalSeconds} s`;
  $('p50-sub').textContent = l.requests > 0
      ? `${second} · ${grouped.format(l.requests)} requests` : `${second} · no requests`;
  $('p99-sub').textContent = l.requests > 0
      ? `${second} · p99.9 ${durationText(l.p999)} · max ${durationText(l.max)}` : `${second} · no requests`;
  const ws = s.websockets ? s.websockets.open : 0, streams = s.eventStreams ? s.eventStreams.open : 0;
  $('connections-sub').textContent = `${grouped.format(ws)} WebSocket · ${grouped.format(streams)} event stream`
      + (s.connections ? ` · ${grouped.format(s.connections.accepted)} accepted` : '');
  $('rps-sub').textContent = `${grouped.format(s.requests.total)} total · ${grouped.format(s.requests.active)} in flight`;
  $('engine').textContent = s.engine ? `engine ${s.engine}` : '';
  $('uptime').textContent = uptime(s.uptimeSeconds);
  redraw();
}

function setStatus(el, on, text) {
  el.textContent = text;
  el.classList.toggle('on', on);
  el.classList.toggle('off', !on);
}

// EventSource reconnects by itself; the server then sends the history again. The pill shows whether events flow.
const events = new EventSource('/events/stats');
events.addEventListener('history', e => onHistory(JSON.parse(e.data)));
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
let lostShown = false; // whether the log says the connection is lost (so that coming back is said once too)

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

/**
 * Opens the room's socket. `again` is a reconnect of the same user to the same room: it is quiet when it works at
 * once (the status pill shows the gap); only an outage that lasts is logged, once, and its end.
 */
function join(name, again = false) {
  clearTimeout(retryTimer);
  if (socket) {
    socket.onclose = null; // leaving on purpose: no reconnect
    socket.close();
  }
  if (!again) lostShown = false;
  room = name;
  me = null;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat/' + encodeURIComponent(name);
  const ws = new WebSocket(url);
  let opened = false;
  socket = ws;
  $('chat-send').disabled = true;
  setStatus($('chat-status'), false, again ? 'reconnecting…' : 'connecting…');
  ws.onopen = () => {
    opened = true;
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
      // The server names each socket: after a reconnect the same user has a new name.
      me = m.you;
      if (!again) {
        logLine(`joined #${name} as user ${me}`, 'system');
      } else if (lostShown) {
        logLine(`back in #${name} as user ${me}`, 'system');
      }
      lostShown = false;
    } else if (typeof m.text === 'string') {
      const mine = m.from === me;
      logLine(m.text, mine ? 'mine' : '', mine ? 'you' : 'user ' + m.from);
    }
  };
  ws.onclose = () => {
    $('chat-send').disabled = true;
    setStatus($('chat-status'), false, 'offline');
    if (socket !== ws) return;
    // A first try at reconnecting that fails is an outage worth a line; a socket that dropped and comes back is not.
    if (again && !opened && !lostShown) {
      logLine('connection lost; reconnecting…', 'system');
      lostShown = true;
    }
    // The server went away, restarted or closed an idle socket: try again, backing off to ten seconds.
    retryTimer = setTimeout(() => join(name, true), retryMs);
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
