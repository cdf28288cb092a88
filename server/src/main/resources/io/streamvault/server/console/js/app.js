// The console's shell: sign-in with a token, navigation by the URL's hash, one page at a time, and
// the error line. Pages live in pages/*.js; each gets a context to render into and to poll with.
import { ApiError, get, token } from './api.js';
import { h } from './ui.js';
import overview from './pages/overview.js';
import snapshots from './pages/snapshots.js';
import plans from './pages/plans.js';
import jobs from './pages/jobs.js';
import forget from './pages/forget.js';

const PAGES = { overview, snapshots, plans, jobs, forget };
const main = document.getElementById('main');
const errorLine = document.getElementById('error');
let session = null;
let generation = 0;

export function showError(e) {
  if (!e) {
    errorLine.hidden = true;
    errorLine.textContent = '';
    return;
  }
  if (e instanceof ApiError && e.status === 401) {
    signOut('Your token is no longer accepted: ' + e.message);
    return;
  }
  errorLine.hidden = false;
  errorLine.textContent = e instanceof ApiError ? `${e.message} (${e.code}${e.status ? ', HTTP ' + e.status : ''})` : String(e.message || e);
  errorLine.dataset.code = e.code || '';
}

function context(gen) {
  const live = () => gen === generation;
  return {
    session,
    live,
    /** Runs fn now and every ms while this page is shown, until it answers false; errors go to the error line. */
    every(ms, fn) {
      const tick = async () => {
        if (!live()) return;
        let more = true;
        try {
          more = (await fn()) !== false;
        } catch (e) {
          if (live()) showError(e);
        }
        if (more && live()) setTimeout(tick, document.hidden ? Math.max(ms, 30000) : ms); // a hidden tab asks rarely
      };
      tick();
    },
    /** Runs an action, showing its error (if any) on the error line. */
    async act(fn) {
      showError(null);
      try {
        return await fn();
      } catch (e) {
        if (live()) showError(e);
        return undefined;
      }
    },
    may: (role) => session.roles.includes(role),
  };
}

async function render() {
  const gen = ++generation;
  showError(null);
  if (!session) {
    renderSignIn();
    return;
  }
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  const [name, ...rest] = hash.split('/');
  const page = PAGES[name] || overview;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === name);
  // The page draws into a view of its own, shown once it is ready and only if it is still the
  // current page: a slow page (statistics read every tree) never draws into the next one.
  const view = h('div', {});
  main.replaceChildren(h('p', { class: 'muted', id: 'loading' }, 'Loading…'));
  try {
    await page(view, rest, context(gen));
  } catch (e) {
    if (gen === generation) showError(e);
  }
  if (gen === generation) main.replaceChildren(view);
}

function renderSignIn(message) {
  document.getElementById('nav').hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('who').textContent = '';
  const input = h('input', { id: 'token', type: 'password', name: 'token', autocomplete: 'off', placeholder: 'bearer token' });
  const form = h('form', { class: 'panel signin', id: 'signin-form' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste a token from the server\'s tokens file. It stays in this tab only.'),
    message ? h('p', { class: 'notice' }, message) : null,
    h('label', {}, 'Token', input),
    h('p', {}, h('button', { class: 'primary', id: 'signin', type: 'submit' }, 'Sign in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    token.set(input.value.trim());
    if (await start()) render();
  });
  main.replaceChildren(form);
  input.focus();
}

function signOut(message) {
  token.clear();
  session = null;
  generation++;
  showError(null);
  renderSignIn(message);
}

async function start() {
  if (!token.get()) return false;
  try {
    session = await get('/session');
  } catch (e) {
    token.clear();
    session = null;
    showError(e.status === 401 ? new Error('That token is not accepted.') : e);
    return false;
  }
  document.getElementById('nav').hidden = false;
  document.getElementById('signout').hidden = false;
  document.getElementById('who').textContent = `${session.name} (${session.role})`;
  return true;
}

document.getElementById('signout').addEventListener('click', () => signOut());
window.addEventListener('hashchange', render);
start().then(render);
