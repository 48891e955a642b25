// The csms console: log in (Keystone), then secrets, events, notification records and tasks of
// the chosen project. Hash routes (#/secrets, #/secrets/NAME, #/events, #/records, #/tasks).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSession, login, logout } from './api.js';
import { html, ErrorBox, Field, useAction } from './ui.js';
import { SecretCreate, SecretDetail, SecretList } from './secrets.js';
import { EventList } from './events.js';
import { RecordList } from './records.js';
import { TaskList } from './tasks.js';

function useHash() {
  const [hash, setHash] = useState(window.location.hash || '#/secrets');
  useEffect(() => {
    const on = () => setHash(window.location.hash || '#/secrets');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Login({ onLogin }) {
  const [form, setForm] = useState({ domain: '', user: '', password: '', project: '' });
  const action = useAction();
  // In --dev, csmsd hands out its fixed development account (README) to prefill the form.
  useEffect(() => {
    fetch('/console/config.json', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : null))
      .then((c) => c && c.dev && setForm({ domain: c.domain, user: c.user, password: c.password, project: c.project }))
      .catch(() => {});
  }, []);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    if (await action.run(() => login(form))) onLogin();
  };
  return html`<main class="login" id="main">
    <form class="form" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to csms</h1>
      <${Field} label="Domain"><input name="domain" required autocomplete="organization" value=${form.domain} onInput=${set('domain')} /><//>
      <${Field} label="User"><input name="user" required autocomplete="username" value=${form.user} onInput=${set('user')} /><//>
      <${Field} label="Password"><input name="password" type="password" required autocomplete="current-password" value=${form.password} onInput=${set('password')} /><//>
      <${Field} label="Project"><input name="project" required value=${form.project} onInput=${set('project')} /><//>
      <${ErrorBox} error=${action.error} />
      <button type="submit" disabled=${action.busy}>Sign in</button>
    </form>
  </main>`;
}

function Shell({ session, onLogout }) {
  const hash = useHash();
  const navigate = (h) => {
    window.location.hash = h;
  };
  const parts = hash.slice(2).split('/');
  let page;
  if (parts[0] === 'secrets' && parts[1] === 'new') page = html`<${SecretCreate} navigate=${navigate} />`;
  else if (parts[0] === 'secrets' && parts[1]) page = html`<${SecretDetail} name=${decodeURIComponent(parts[1])} navigate=${navigate} />`;
  else if (parts[0] === 'events') page = html`<${EventList} />`;
  else if (parts[0] === 'records') page = html`<${RecordList} />`;
  else if (parts[0] === 'tasks') page = html`<${TaskList} />`;
  else page = html`<${SecretList} navigate=${navigate} />`;
  const link = (to, label) => html`<a href=${to} aria-current=${hash.startsWith(to) ? 'page' : null}>${label}</a>`;
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header>
      <span class="brand">csms</span>
      <nav aria-label="Sections">
        ${link('#/secrets', 'Secrets')} ${link('#/events', 'Events')} ${link('#/records', 'Records')} ${link('#/tasks', 'Tasks')}
      </nav>
      <span class="who">${session.user} · ${session.project_name}</span>
      <button onClick=${onLogout}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">${page}</main>
  </div>`;
}

function App() {
  const [session, setSession] = useState(getSession());
  useEffect(() => {
    const out = () => setSession(null);
    window.addEventListener('csms-logged-out', out);
    return () => window.removeEventListener('csms-logged-out', out);
  }, []);
  if (!session) return html`<${Login} onLogin=${() => setSession(getSession())} />`;
  return html`<${Shell} session=${session} onLogout=${async () => { await logout(); setSession(null); }} />`;
}

render(html`<${App} />`, document.getElementById('app'));
