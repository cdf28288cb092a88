// Overview: stored capacity and its trend, logical size, ratios, the monthly estimate, the lock,
// the copies' lag, and the plans' last runs and failures.
import { get, optional } from '../api.js';
import { badge, bytes, card, chart, duration, h, num, ratio, table, time } from '../ui.js';

/** An amount of money: cents, or "< 0.01" for less. */
const money = (x) => (x > 0 && x < 0.01 ? '< 0.01' : Number(x).toFixed(2));

export default async function overview(main, _args, ctx) {
  main.append(h('h1', {}, 'Overview'));
  const [capacity, lock, copies, plans] = await Promise.all([
    optional('/capacity?since=90d'), get('/lock'), get('/copies'), ctx.may('admin') ? optional('/plans') : Promise.resolve(null)]);
  // the capacity carries the vault's figures; a server without it still has the statistics
  const v = capacity && capacity.vault ? capacity.vault : (await get('/stats')).vault;
  const priced = capacity && capacity.price_per_gb_month > 0;
  const monthly = priced ? `${money(capacity.vault.monthly_cost)} ${capacity.currency || ''}`.trim() : '–';
  const price = priced ? `at ${capacity.price_per_gb_month} ${capacity.currency || ''} per GB-month` : 'no price set';
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
    main.append(h('h2', {}, 'Capacity by plan'), h('p', { class: 'muted' },
      'What each plan\'s snapshots alone hold, and an equal part of what they share with others; the shares add up to the stored capacity.'),
    table(['Plan', '#Stored share', '#Unique', '#Shared part', '#Monthly'],
      capacity.plans.map((p) => h('tr', { 'data-plan': p.plan }, h('td', {}, p.plan), num(bytes(p.stored_bytes)), num(bytes(p.unique_bytes)),
        num(bytes(p.shared_bytes)), num(priced ? money(p.monthly_cost) : '–'))), 'capacity-plans'));
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
