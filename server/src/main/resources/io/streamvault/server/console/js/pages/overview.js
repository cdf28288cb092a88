// Overview: stored capacity and its trend, logical size, ratios, the monthly estimate, the lock,
// the copies' lag, and the plans' last runs and failures.
import { get, optional } from '../api.js';
import { badge, bytes, card, chart, duration, h, num, ratio, table, time } from '../ui.js';

export default async function overview(main, _args, ctx) {
  main.append(h('h1', {}, 'Overview'));
  const [stats, capacity, lock, copies, plans] = await Promise.all([
    get('/stats'), optional('/capacity'), get('/lock'), get('/copies'),
    ctx.may('admin') ? optional('/plans') : Promise.resolve(null)]);
  const v = stats.vault;
  const cap = capacity && capacity.vault ? capacity.vault : null;
  const monthly = cap && cap.monthly_cost !== undefined && cap.monthly_cost !== null
    ? `${Number(cap.monthly_cost).toFixed(2)} ${capacity.currency || ''}`.trim() : '–';
  const price = capacity && capacity.price_per_gb_month ? `at ${capacity.price_per_gb_month} ${capacity.currency || ''} per GB-month` : 'no price set';
  main.append(h('div', { class: 'cards' },
    card('Stored capacity', bytes(v.stored_bytes), `${v.snapshots} snapshots`, 'stored'),
    card('Logical size', bytes(v.logical_bytes), 'the files of every snapshot', 'logical'),
    card('Dedup ratio', ratio(v.dedup_ratio), 'logical / unique data', 'dedup'),
    card('Compression ratio', ratio(v.compression_ratio), 'data / stored', 'compression'),
    card('Reclaimable', bytes(v.unused_bytes), 'what garbage collection can free', 'unused'),
    card('Monthly estimate', monthly, price, 'monthly'),
    card('Vault lock', lock.locked ? `${lock.mode}, ${lock.min_retention}` : 'none',
      lock.locked ? (lock.changeable ? 'changeable until ' + time(lock.changeable_until) : 'fixed') : 'snapshots may be forgotten', 'lock'),
    card('Copies', copies.length === 0 ? 'none' : copies.length === 1 ? bytes(copies[0].bytes_behind) + ' behind' : `${copies.length} copies`,
      copies.length ? 'most behind: ' + duration(1000 * Math.max(...copies.map((c) => c.seconds_behind))) : 'no copier has reported', 'copies')));

  main.append(h('h2', {}, 'Stored capacity over time'));
  const history = capacity && Array.isArray(capacity.history) ? capacity.history : [];
  main.append(h('div', { class: 'panel' }, capacity ? chart(history.map((r) => ({ t: new Date(r.time), v: r.stored_bytes })), bytes, 'capacity-chart')
    : h('p', { class: 'muted' }, 'This server records no capacity history.')));
  if (capacity && Array.isArray(capacity.plans) && capacity.plans.length) {
    main.append(h('h2', {}, 'Capacity by plan'), table(['Plan', '#Stored share', '#Unique', '#Monthly'],
      capacity.plans.map((p) => h('tr', {}, h('td', {}, p.plan), num(bytes(p.stored_bytes)), num(bytes(p.unique_bytes)),
        num(p.monthly_cost === undefined || p.monthly_cost === null ? '–' : Number(p.monthly_cost).toFixed(2)))), 'capacity-plans'));
  }
  if (copies.length) {
    main.append(h('h2', {}, 'Copies'), table(['Target', 'Measured', '#Objects behind', '#Bytes behind', '#Behind by'],
      copies.map((c) => h('tr', {}, h('td', {}, c.target), h('td', {}, time(c.measured)), num(c.objects_behind),
        num(bytes(c.bytes_behind)), num(duration(1000 * c.seconds_behind)))), 'copies-table'));
  }
  main.append(h('h2', {}, 'Plans: last runs'));
  if (!plans || plans.length === 0) {
    main.append(h('p', { class: 'muted' }, plans ? 'No plans yet: create one under Plans.' : ctx.may('admin') ? 'No plans.' : 'Plans need a token with the role admin.'));
  } else {
    main.append(table(['Plan', 'Schedule', 'Last run', 'State', 'Last success', 'Next'], plans.map((p) => h('tr', {},
      h('td', {}, h('a', { href: '#/plans/' + encodeURIComponent(p.name) }, p.name)), h('td', {}, p.schedule || (p.continuous ? 'continuous' : 'on request')),
      h('td', {}, p.last_run ? time(p.last_run.start || p.last_run.end) : '–'),
      h('td', {}, p.last_run ? badge(p.last_run.state) : '–', p.last_run && p.last_run.error ? h('div', { class: 'muted' }, p.last_run.error) : null),
      h('td', {}, p.last_success ? time(p.last_success.end) : '–'), h('td', {}, p.paused ? 'paused' : time(p.next)))), 'plans-overview'));
  }
}
