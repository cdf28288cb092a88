// Small DOM helpers: every text goes in through textContent, never as HTML.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n) {
  if (n === undefined || n === null || n < 0) return '–';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)) + ' ' + UNITS[i];
}

export function duration(ms) {
  if (ms === undefined || ms === null || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
}

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function ratio(x) {
  return x === undefined || x === null || !isFinite(x) ? '–' : x.toFixed(2) + '×';
}

export const badge = (text) => h('span', { class: 'badge ' + String(text).toLowerCase() }, text);

export function card(label, value, sub, testid) {
  return h('div', { class: 'card', 'data-testid': testid }, h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null);
}

export function table(headers, rows, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { 'data-testid': testid },
    h('thead', {}, h('tr', {}, headers.map((x) => (x.startsWith('#') ? h('th', { class: 'num' }, x.slice(1)) : h('th', {}, x))))),
    h('tbody', {}, rows)));
}

export const num = (v) => h('td', { class: 'num' }, v);

export function progress(done, total) {
  const pct = total > 0 ? Math.min(100, Math.round((100 * done) / total)) : 0;
  const bar = h('div', {});
  bar.style.width = pct + '%';
  return h('div', { class: 'progress', title: pct + '%' }, bar);
}

/** A line chart of values over time: points [{t: Date, v: number}], labelled with format. */
export function chart(points, format, testid) {
  const W = 800;
  const H = 180;
  const P = 40;
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'data-testid': testid });
  if (points.length === 0) {
    root.append(svg('text', { x: P, y: H / 2 }, 'no history yet'));
    return root;
  }
  const t0 = points[0].t.getTime();
  const t1 = Math.max(points[points.length - 1].t.getTime(), t0 + 1);
  const max = Math.max(...points.map((p) => p.v), 1);
  const x = (t) => P + ((W - 2 * P) * (t - t0)) / (t1 - t0);
  const y = (v) => H - P / 2 - ((H - P) * v) / max;
  root.append(svg('line', { x1: P, y1: y(0), x2: W - P, y2: y(0) }), svg('line', { x1: P, y1: y(max), x2: W - P, y2: y(max) }));
  root.append(svg('text', { x: 2, y: y(max) + 4 }, format(max)), svg('text', { x: 2, y: y(0) }, format(0)));
  const pts = points.length === 1 ? [points[0], { t: new Date(t1), v: points[0].v }] : points;
  root.append(svg('polyline', { points: pts.map((p) => `${x(p.t.getTime())},${y(p.v)}`).join(' ') }));
  return root;
}

/** The value of a form's field by name, trimmed; '' when empty. */
export const field = (form, name) => (form.elements[name] ? String(form.elements[name].value).trim() : '');

/** Comma- or line-separated values. */
export const list = (s) => s.split(/[\n,]/).map((x) => x.trim()).filter((x) => x);
