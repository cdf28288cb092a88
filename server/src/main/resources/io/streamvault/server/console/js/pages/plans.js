// Backup plans: list, create, edit, pause and resume, run now, and each plan's run history.
import { api, get } from '../api.js';
import { badge, bytes, duration, field, h, list, num, table, time } from '../ui.js';

const KEEPS = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly', 'keep-within'];
const path = (name) => '/plans/' + encodeURIComponent(name);

export default async function plans(main, args, ctx) {
  if (args.length && args[0]) return detail(main, decodeURIComponent(args[0]), ctx);
  main.append(h('h1', {}, 'Plans'));
  const all = await get('/plans');
  main.append(table(['Plan', 'Path', 'Schedule', 'Retention', 'State', 'Last run', 'Next', ''], all.map((p) => h('tr', { 'data-name': p.name },
    h('td', {}, h('a', { href: '#/plans/' + encodeURIComponent(p.name) }, p.name)), h('td', {}, p.path || p.kind),
    h('td', {}, describeSchedule(p)), h('td', {}, Object.entries(p.keep || {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'keep all'),
    h('td', {}, p.paused ? badge('paused') : p.overdue ? badge('overdue') : badge('active')),
    h('td', {}, p.last_run ? [badge(p.last_run.state), ' ', time(p.last_run.start)] : '–'),
    h('td', {}, p.paused ? '–' : time(p.next)), h('td', {}, actions(p, ctx)))), 'plans'));
  main.append(h('h2', {}, 'New plan'), planForm(null, ctx));
}

function describeSchedule(p) {
  const parts = [];
  if (p.schedule) parts.push(p.schedule + (p.tz && p.tz !== 'UTC' ? ' (' + p.tz + ')' : ''));
  if (p.continuous) parts.push('continuous, RPO ' + duration(1000 * p.rpo_s));
  return parts.join('; ') || 'on request';
}

function actions(p, ctx) {
  const run = (verb, fn) => h('button', { 'data-action': verb, onclick: () => ctx.act(fn) }, verb);
  return h('div', { class: 'actions' },
    p.paused ? run('resume', async () => { await api('POST', path(p.name) + '/resume'); rerender(); })
      : run('pause', async () => { await api('POST', path(p.name) + '/pause'); rerender(); }),
    run('run now', async () => {
      const r = await api('POST', path(p.name) + '/run');
      flash(`run of ${p.name} requested (${r.request})`);
    }));
}

function rerender() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function flash(text) {
  const el = document.getElementById('flash') || document.getElementById('main').appendChild(h('p', { id: 'flash', class: 'notice' }));
  el.textContent = text;
}

function planForm(plan, ctx) {
  const keep = (plan && plan.keep) || {};
  const form = h('form', { class: 'grid panel', id: plan ? 'plan-edit' : 'plan-create' },
    h('label', {}, 'Name', h('input', { name: 'name', value: plan ? plan.name : '', disabled: !!plan, required: true, placeholder: 'home-daily' })),
    h('label', {}, 'Directory', h('input', { name: 'path', value: plan ? plan.path || '' : '', placeholder: '/home' })),
    h('label', {}, 'Schedule', h('input', { name: 'schedule', value: plan ? plan.schedule || '' : 'daily at 02:00', placeholder: 'every 15m, daily at 02:00, cron' })),
    h('label', {}, 'Time zone', h('input', { name: 'tz', value: plan ? plan.tz : 'UTC' })),
    KEEPS.map((k) => h('label', {}, k.replace('keep-', 'keep '), h('input', { name: k, value: keep[k] === undefined ? '' : String(keep[k]),
      placeholder: k === 'keep-within' ? '30d' : 'count' }))),
    h('label', {}, 'Tags', h('input', { name: 'tags', value: plan ? (plan.tags || []).join(', ') : '' })),
    h('label', {}, 'Excludes', h('textarea', { name: 'excludes', value: plan ? (plan.excludes || []).join('\n') : '' })),
    h('label', {}, 'When a run is still going', h('select', { name: 'overlap' },
      h('option', { value: 'skip' }, 'skip the slot'), h('option', { value: 'queue' }, 'queue it'))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'continuous', checked: plan && plan.continuous }), 'continuous (near-line)'),
    h('label', {}, 'RPO (continuous)', h('input', { name: 'rpo', value: plan && plan.rpo_s ? plan.rpo_s + 's' : '', placeholder: '1m' })),
    h('label', {}, 'Copy to', h('input', { name: 'copy_to', value: plan ? plan.copy_to || '' : '', placeholder: 'azure://... or /dir' })),
    h('div', {}, h('button', { class: 'primary', type: 'submit', id: plan ? 'plan-save' : 'plan-submit' }, plan ? 'Save' : 'Create plan')));
  if (plan) form.elements.overlap.value = plan.overlap || 'skip';
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.act(async () => {
      const body = { schedule: field(form, 'schedule') || null, tz: field(form, 'tz') || 'UTC', overlap: field(form, 'overlap'),
        tags: list(field(form, 'tags')), excludes: list(field(form, 'excludes')), continuous: form.elements.continuous.checked, keep: {} };
      if (field(form, 'path')) body.path = field(form, 'path');
      for (const k of KEEPS) {
        if (field(form, k)) body.keep[k] = field(form, k);
        else if (plan && keep[k] !== undefined) body.keep[k] = null;
      }
      if (field(form, 'rpo')) body.rpo = field(form, 'rpo');
      if (field(form, 'copy_to') || (plan && plan.copy_to)) body.copy_to = field(form, 'copy_to'); // "" removes it
      if (plan) {
        await api('PATCH', path(plan.name), body);
        flash(`plan ${plan.name} saved`);
      } else {
        body.name = field(form, 'name');
        await api('POST', '/plans', body);
        location.hash = '#/plans/' + encodeURIComponent(body.name);
      }
    });
  });
  return form;
}

async function detail(main, name, ctx) {
  const plan = await get(path(name));
  main.append(h('h1', {}, `Plan ${plan.name}`), h('div', { class: 'panel' },
    h('p', {}, `${plan.path || plan.kind} — ${describeSchedule(plan)} — ${plan.paused ? 'paused' : 'next ' + time(plan.next)}`),
    actions(plan, ctx)));
  main.append(h('h2', {}, 'Edit'), planForm(plan, ctx));
  main.append(h('h2', {}, 'Runs'));
  const runs = h('div', { id: 'plan-runs' });
  main.append(runs);
  ctx.every(3000, async () => {
    let all;
    try {
      all = await get(path(name) + '/runs?limit=50');
    } catch (e) {
      runs.replaceChildren(h('p', { class: 'muted' }, 'Run history: ' + e.message));
      return false;
    }
    runs.replaceChildren(table(['Run', 'Slot', 'State', 'Trigger', 'Start', 'End', '#Files', '#Read', '#Added', 'Error'], all.map((r) => h('tr', {},
      h('td', {}, r.id.slice(-12)), h('td', {}, time(r.slot)), h('td', {}, badge(r.state)), h('td', {}, r.trigger),
      h('td', {}, time(r.start)), h('td', {}, time(r.end)), num(r.files ?? '–'), num(bytes(r.bytes_read)), num(bytes(r.bytes_added)),
      h('td', {}, r.error || r.note || ''))), 'plan-runs'));
    return true;
  });
}
