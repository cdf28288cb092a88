// Forget: a retention policy previewed (what goes, what stays and why, the bytes freed) before
// anything is deleted; then forgotten on a second, explicit confirmation.
import { api } from '../api.js';
import { badge, bytes, field, h, list, table, time } from '../ui.js';

const COUNTS = ['keep_last', 'keep_hourly', 'keep_daily', 'keep_weekly', 'keep_monthly', 'keep_yearly'];

export default async function forget(main, _args, ctx) {
  main.append(h('h1', {}, 'Forget snapshots'),
    h('p', { class: 'muted' }, 'Preview a retention policy first: nothing is deleted until you confirm. Space is freed by the next garbage collection.'));
  const form = h('form', { class: 'grid panel', id: 'forget-form' },
    COUNTS.map((k) => h('label', {}, k.replace('_', ' '), h('input', { name: k, placeholder: 'count' }))),
    h('label', {}, 'keep within', h('input', { name: 'keep_within', placeholder: '30d' })),
    h('label', {}, 'keep tags', h('input', { name: 'keep_tags', placeholder: 'tag, tag' })),
    h('label', {}, 'group by', h('input', { name: 'group_by', value: 'host,path' })),
    h('label', {}, 'time zone', h('input', { name: 'tz', value: 'UTC' })),
    h('div', {}, h('button', { class: 'primary', type: 'submit', id: 'forget-preview' }, 'Preview')));
  const out = h('div', { id: 'forget-result' });
  main.append(form, out);
  const policy = () => {
    const body = { group_by: field(form, 'group_by'), tz: field(form, 'tz') || 'UTC' };
    for (const k of COUNTS) {
      if (field(form, k)) body[k] = /^-?\d+$/.test(field(form, k)) ? Number(field(form, k)) : field(form, k);
    }
    if (field(form, 'keep_within')) body.keep_within = field(form, 'keep_within');
    if (list(field(form, 'keep_tags')).length) body.keep_tags = list(field(form, 'keep_tags'));
    return body;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.act(async () => {
      const body = policy();
      const plan = await api('POST', '/forget', { ...body, dry_run: true });
      out.replaceChildren(view(plan, true), plan.removed.length === 0 ? '' : h('div', { class: 'panel' },
        h('p', {}, `Forget ${plan.removed.length} snapshots and free about ${bytes(plan.bytes_freed)} at the next garbage collection?`),
        h('button', { class: 'danger', id: 'forget-confirm', onclick: (ev) => ctx.act(async () => {
          ev.target.disabled = true;
          // Exactly the previewed snapshots, not the policy again: new snapshots may have come meanwhile.
          // The ids are checked by host and path; the preview already kept a snapshot in every group of
          // the user's grouping, which is the check that matters, so that floor is not asked again.
          const done = await api('POST', '/forget', { snapshots: plan.removed, allow_remove_all: true, dry_run: false });
          out.replaceChildren(view(done, false));
        }).finally(() => { ev.target.disabled = false; }) }, `Forget ${plan.removed.length} snapshots`)));
    });
  });
}

function view(plan, preview) {
  return h('div', { 'data-testid': preview ? 'forget-preview' : 'forget-done' },
    h('p', { class: preview ? 'notice' : '' }, preview
      ? `Preview: ${plan.removed.length} to remove, ${plan.kept} to keep, about ${bytes(plan.bytes_freed)} freed.`
      : `Forgotten: ${plan.removed.length} snapshots; ${plan.kept} kept.`),
    plan.groups.map((g) => h('div', {}, h('h2', {}, g.group || 'all snapshots', g.removes_all ? ' (removes all)' : ''),
      table(['Snapshot', 'Time', 'Host', 'Path', 'Action', 'Why'], g.snapshots.map((d) => h('tr', { 'data-id': d.id, 'data-action': d.action },
        h('td', {}, d.id.slice(0, 8)), h('td', {}, time(d.time)), h('td', {}, d.host), h('td', {}, d.path),
        h('td', {}, badge(d.action)), h('td', {}, (d.reasons || []).join(', ')))), 'forget-table'))));
}
