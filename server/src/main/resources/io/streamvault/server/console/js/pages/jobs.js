// Running work with live progress: backup jobs (from the pipeline), restore jobs, garbage
// collections and the copies' lag.
import { api, get, optional } from '../api.js';
import { badge, bytes, duration, h, num, progress, table, time } from '../ui.js';
import { RESTORE_HEADERS, restoreRow } from './snapshots.js';

export default async function jobs(main, _args, ctx) {
  main.append(h('h1', {}, 'Jobs'));
  const backups = h('div', { id: 'backup-jobs' });
  const restores = h('div', { id: 'restore-jobs' });
  const gcs = h('div', { id: 'gc-jobs' });
  const copies = h('div', { id: 'copy-lag' });
  const gcControls = ctx.may('admin') ? gcButtons(ctx) : '';
  main.append(h('h2', {}, 'Backups'), backups, h('h2', {}, 'Restores'), restores, h('h2', {}, 'Garbage collection'), gcControls,
    gcs, h('h2', {}, 'Copies'), copies);
  ctx.every(2000, async () => {
    const [b, r, g, c] = await Promise.all([get('/jobs'), optional('/restores'), optional('/gc'), get('/copies')]);
    backups.replaceChildren(b.jobs.length === 0 ? h('p', { class: 'muted' }, 'No backup job in the pipeline\'s recent history (or its cluster is not running).')
      : table(['Job', 'State', 'Host', 'Path', 'Started', 'Progress', '#Files', '#Read', '#Added', '#Rate', '#ETA / took', ''], b.jobs.map((j) => h('tr', { 'data-id': j.id },
        h('td', {}, j.id.slice(0, 12)), h('td', {}, badge(j.state)), h('td', {}, j.host), h('td', {}, j.path), h('td', {}, time(j.started)),
        h('td', {}, j.state === 'sealed' ? progress(1, 1) : progress(j.bytes_read, j.bytes_to_read)), num(`${j.files_done} / ${j.files_total}${j.totals_final ? '' : '+'}`),
        num(`${bytes(j.bytes_read)} / ${bytes(j.bytes_to_read)}`), num(bytes(j.bytes_added)),
        num(j.state === 'running' && j.rate_bytes_per_s ? bytes(j.rate_bytes_per_s) + '/s' : '–'),
        num(j.state === 'running' ? duration(j.eta_ms) : duration(Date.parse(j.ended) - Date.parse(j.started))),
        h('td', {}, j.snapshot ? h('a', { href: '#/snapshots/' + j.snapshot }, 'snapshot') : j.error || ''))), 'backup-jobs'));
    restores.replaceChildren(r === null ? h('p', { class: 'muted' }, 'Restore jobs need a token with the role restore.')
      : r.restores.length === 0 ? h('p', { class: 'muted' }, 'No restore job.') : table(RESTORE_HEADERS, r.restores.map(restoreRow), 'restore-jobs'));
    gcs.replaceChildren(g === null ? h('p', { class: 'muted' }, 'Garbage collections need a token with the role admin.') : gcView(g.collections));
    copies.replaceChildren(c.length === 0 ? h('p', { class: 'muted' }, 'No copier has reported.')
      : table(['Target', 'Measured', '#Objects behind', '#Bytes behind', '#Behind by', 'Newest copied'], c.map((x) => h('tr', {},
        h('td', {}, x.target), h('td', {}, time(x.measured)), num(x.objects_behind), num(bytes(x.bytes_behind)),
        num(duration(1000 * x.seconds_behind)), h('td', {}, x.newest_copied || '–'))), 'copies'));
  });
}

/** Rendered once, outside what the poll redraws, so a click is never lost; a real run asks twice. */
function gcButtons(ctx) {
  const confirm = h('span', {});
  const start = (dryRun) => ctx.act(async () => {
    confirm.replaceChildren();
    await api('POST', '/gc', { dry_run: dryRun });
  });
  return h('div', { class: 'actions' },
    h('button', { id: 'gc-dry-run', onclick: () => start(true) }, 'Dry run'),
    h('button', { id: 'gc-start', class: 'danger', onclick: () => confirm.replaceChildren(
      'Delete the data no snapshot uses? ', h('button', { id: 'gc-confirm', class: 'danger', onclick: () => start(false) }, 'Collect garbage'),
      ' ', h('button', { onclick: () => confirm.replaceChildren() }, 'Cancel')) }, 'Collect garbage now…'), confirm);
}

function gcView(collections) {
  return collections.length === 0 ? h('p', { class: 'muted' }, 'No collection since the server started.')
    : table(['Run', 'State', 'Phase', 'Progress', 'Started', 'Ended', 'Result'], collections.map((c) => h('tr', {},
      h('td', {}, c.id.slice(0, 8) + (c.dry_run ? ' (dry run)' : '')), h('td', {}, badge(c.state)), h('td', {}, c.phase),
      h('td', {}, progress(c.done, c.total)), h('td', {}, time(c.started)), h('td', {}, time(c.ended)),
      h('td', {}, c.result ? `${bytes(c.result.bytes_freed ?? c.result.freed_bytes)} freed` : c.error ? c.error.message : ''))), 'gc-jobs');
}
