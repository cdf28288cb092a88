// Snapshots: the list with filters; one snapshot's tree, file downloads, and restores (whole or
// filtered by path, globs and times; to the original place or another) with live progress.
import { api, download, get, query } from '../api.js';
import { badge, bytes, duration, field, h, list, num, progress, table, time } from '../ui.js';

const PAGE = 500;

export default async function snapshots(main, args, ctx) {
  if (args.length && args[0]) return browse(main, args[0], args.slice(1).join('/'), ctx);
  main.append(h('h1', {}, 'Snapshots'));
  const form = h('form', { class: 'grid panel', id: 'snapshot-filter' },
    h('label', {}, 'Host', h('input', { name: 'host' })),
    h('label', {}, 'Path', h('input', { name: 'path', placeholder: '/data' })),
    h('label', {}, 'Tag', h('input', { name: 'tag' })),
    h('label', {}, 'From (this day on)', h('input', { name: 'from', type: 'date' })),
    h('label', {}, 'Before (this day)', h('input', { name: 'to', type: 'date' })),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, 'Filter')));
  const out = h('div', { id: 'snapshot-list' });
  main.append(form, out);
  const load = async () => {
    const q = { host: field(form, 'host'), path: field(form, 'path'), tag: field(form, 'tag'),
      from: field(form, 'from'), to: field(form, 'to') };
    const r = await get('/snapshots' + query(q));
    const rows = r.snapshots.slice().reverse().map((s) => h('tr', { 'data-id': s.id },
      h('td', {}, h('a', { href: '#/snapshots/' + s.id }, s.short_id)), h('td', {}, time(s.time)), h('td', {}, s.hostname),
      h('td', {}, s.path), h('td', {}, (s.tags || []).join(', ')),
      num(s.summary && s.summary.total_bytes !== undefined ? bytes(s.summary.total_bytes) : '–'),
      h('td', {}, s.incomplete ? badge('incomplete') : s.retain_until ? 'kept until ' + time(s.retain_until) : '')));
    out.replaceChildren(h('p', { class: 'muted' }, `${r.snapshots.length} snapshots`),
      table(['Snapshot', 'Time', 'Host', 'Path', 'Tags', '#Size', ''], rows, 'snapshots'),
      r.unreadable && r.unreadable.length ? h('p', { class: 'notice' }, `${r.unreadable.length} snapshot objects could not be read`) : '');
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.act(load);
  });
  await load();
}

/** The bytes a percent-encoded url_path names, as base64 (the API's *_b64 form). */
function pathB64(urlPath) {
  const bytesOut = [];
  for (let i = 0; i < urlPath.length; i++) {
    if (urlPath[i] === '%') {
      bytesOut.push(parseInt(urlPath.substr(i + 1, 2), 16));
      i += 2;
    } else {
      bytesOut.push(...new TextEncoder().encode(urlPath[i]));
    }
  }
  return btoa(String.fromCharCode(...bytesOut));
}

async function browse(main, id, urlPath, ctx) {
  const snap = await get('/snapshots/' + encodeURIComponent(id));
  const page = await get(`/snapshots/${encodeURIComponent(id)}/tree${urlPath ? '/' + urlPath : ''}` + query({ limit: PAGE }));
  main.append(h('h1', {}, `Snapshot ${snap.short_id}`),
    h('p', { class: 'muted' }, `${snap.hostname}:${snap.path} — ${time(snap.time)}${snap.tags && snap.tags.length ? ' — tags ' + snap.tags.join(', ') : ''}`));
  const crumbs = h('div', { class: 'crumbs', 'data-testid': 'crumbs' }, h('a', { href: '#/snapshots/' + id }, snap.path));
  // labels from the server's display path (its escaping of odd bytes and controls), links from the url path
  const parts = urlPath ? urlPath.split('/') : [];
  const labels = page.path ? page.path.split('/') : [];
  let acc = '';
  parts.forEach((part, i) => {
    acc = acc ? acc + '/' + part : part;
    crumbs.append(' / ', h('a', { href: `#/snapshots/${id}/${acc}` }, labels.length === parts.length ? labels[i] : part));
  });
  const row = (e) => {
    const isDir = e.type === 'dir';
    return h('tr', { 'data-name': e.name },
      h('td', {}, isDir ? h('a', { href: `#/snapshots/${id}/${e.url_path}` }, e.name + '/') : e.name),
      h('td', {}, e.type), num(isDir ? '' : bytes(e.size)), h('td', {}, time(e.mtime)), h('td', {}, e.mode_octal || ''),
      h('td', {}, e.type === 'file' ? h('button', { class: 'download', 'data-path': e.url_path,
        onclick: () => ctx.act(() => download(`/snapshots/${encodeURIComponent(snap.id)}/files/${e.url_path}`, e.name)) }, 'Download')
        : e.link_target ? '→ ' + e.link_target : ''));
  };
  const listing = table(['Name', 'Type', '#Size', 'Modified', 'Mode', ''], page.entries.map(row), 'tree');
  const more = h('p', {});
  const tbody = listing.querySelector('tbody');
  const pageFrom = (p) => {
    more.replaceChildren(p.next_offset === null || p.next_offset === undefined ? ''
      : h('button', { id: 'tree-more', onclick: () => ctx.act(async () => {
        const next = await get(`/snapshots/${encodeURIComponent(id)}/tree${urlPath ? '/' + urlPath : ''}` + query({ limit: PAGE, offset: p.next_offset }));
        next.entries.forEach((e) => tbody.append(row(e)));
        pageFrom(next);
      }) }, `Show more (${p.next_offset} of ${p.total} shown)`));
  };
  pageFrom(page);
  main.append(crumbs, listing, more);
  main.append(restorePanel(snap, urlPath, page.path, ctx));
}

function restorePanel(snap, urlPath, shownPath, ctx) {
  const form = h('form', { class: 'grid', id: 'restore-form' },
    h('label', {}, 'Path in the snapshot', h('input', { name: 'path', value: shownPath || '', readonly: true, title: 'browse to a directory to restore only it' })),
    h('label', {}, 'Include globs', h('textarea', { name: 'include', placeholder: '*.pdf, docs/**' })),
    h('label', {}, 'Exclude globs', h('textarea', { name: 'exclude', placeholder: '*.tmp' })),
    h('label', {}, 'Modified from', h('input', { name: 'mtime_from', placeholder: 'YYYY-MM-DD' })),
    h('label', {}, 'Modified before', h('input', { name: 'mtime_to', placeholder: 'YYYY-MM-DD' })),
    h('label', {}, 'Target directory', h('input', { name: 'target', placeholder: '/restore/here' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'in_place' }), 'to the original place'),
    h('label', {}, 'Existing files', h('select', { name: 'overwrite' },
      h('option', { value: 'never' }, 'keep them'), h('option', { value: 'if-newer' }, 'replace if older'),
      h('option', { value: 'always' }, 'replace'))),
    h('div', {}, h('button', { class: 'primary', type: 'submit', id: 'restore-start' }, 'Restore')));
  const status = h('div', { id: 'restore-status' });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.act(async () => {
      const body = { snapshot: snap.id, overwrite: field(form, 'overwrite') };
      if (urlPath) body.path_b64 = pathB64(urlPath);
      const inc = list(field(form, 'include'));
      const exc = list(field(form, 'exclude'));
      if (inc.length) body.include = inc;
      if (exc.length) body.exclude = exc;
      if (field(form, 'mtime_from')) body.mtime_from = field(form, 'mtime_from');
      if (field(form, 'mtime_to')) body.mtime_to = field(form, 'mtime_to');
      if (form.elements.in_place.checked) body.in_place = true;
      else body.target = field(form, 'target');
      const job = await api('POST', '/restores', body);
      follow(job.id, status, ctx);
    });
  });
  return h('div', { class: 'panel' }, h('h2', {}, 'Restore'),
    ctx.may('restore') ? null : h('p', { class: 'notice' }, 'Restores need a token with the role restore; the server will refuse this one.'),
    form, status);
}

export function restoreRow(j) {
  return h('tr', { 'data-id': j.id }, h('td', {}, j.id.slice(0, 8)), h('td', {}, badge(j.state)), h('td', {}, j.target),
    h('td', {}, progress(j.bytes_done, j.bytes_total)), num(`${j.files_done} / ${j.files_total}${j.totals_final ? '' : '+'}`),
    num(`${bytes(j.bytes_done)} / ${bytes(j.bytes_total)}`), num(j.rate_bytes_per_s ? bytes(j.rate_bytes_per_s) + '/s' : '–'),
    num(j.eta_ms !== null && j.eta_ms !== undefined ? duration(j.eta_ms) : '–'),
    h('td', {}, j.errors_total ? `${j.errors_total} errors: ${j.errors.slice(0, 3).join('; ')}` : j.failure ? j.failure.message : ''));
}

export const RESTORE_HEADERS = ['Job', 'State', 'Target', 'Progress', '#Files', '#Bytes', '#Rate', '#ETA', 'Errors'];

function follow(id, status, ctx) {
  const jobTable = h('div', {});
  const state = h('p', { 'data-testid': 'restore-state', 'data-state': 'queued' }, 'queued');
  status.replaceChildren(h('h2', {}, 'Restore job'), jobTable, state);
  ctx.every(500, async () => {
    const j = await get('/restores/' + id);
    jobTable.replaceChildren(table(RESTORE_HEADERS, [restoreRow(j)], 'restore-job'));
    state.textContent = j.state + (j.failure ? ': ' + j.failure.message : '');
    state.dataset.state = j.state;
    return !['done', 'failed', 'cancelled'].includes(j.state);
  });
}
