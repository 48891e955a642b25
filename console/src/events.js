// Events (notification rules): list, create, edit, enable/disable, delete, test, and rotation of
// a webhook's signing secret (shown once).
import { useState } from 'preact/hooks';
import { request, projectPath, seg, query } from './api.js';
import { html, ErrorBox, Field, formatTime, useAction, useLoad } from './ui.js';

export const EVENT_TYPES = [
  'SECRET_VERSION_CREATED',
  'SECRET_VERSION_EXPIRED',
  'SECRET_VERSION_NEAR_EXPIRY',
  'SECRET_ROTATED',
  'SECRET_ROTATED_FAILED',
  'SECRET_DELETED',
];

const empty = { name: '', event_types: ['SECRET_VERSION_CREATED'], state: 'ENABLED', target_type: 'WEBHOOK', target_id: '', target_name: '' };

function EventForm({ initial, editing, onDone, onCancel }) {
  const [form, setForm] = useState(initial);
  const action = useAction();
  const [shownSecret, setShownSecret] = useState(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const toggleType = (t) =>
    setForm({ ...form, event_types: form.event_types.includes(t) ? form.event_types.filter((x) => x !== t) : [...form.event_types, t] });
  const submit = async (e) => {
    e.preventDefault();
    const body = {
      event_types: form.event_types,
      state: form.state,
      notification: { target_type: form.target_type, target_id: form.target_id, target_name: form.target_name },
    };
    await action.run(async () => {
      const res = editing
        ? await request('PUT', projectPath(`/csms/events/${seg(form.name)}`), { name: form.name, ...body })
        : await request('POST', projectPath('/csms/events'), { name: form.name, ...body });
      const secret = res && res.event && res.event.notification && res.event.notification.signing_secret;
      if (secret) setShownSecret(secret);
      else onDone();
    });
  };
  if (shownSecret) {
    return html`<div class="form">
      <h3>Webhook signing secret</h3>
      <p>Copy it now: it is not shown again.</p>
      <code class="secret-value signing-secret">${shownSecret}</code>
      <div class="actions"><button onClick=${onDone}>Done</button></div>
    </div>`;
  }
  return html`<form class="form" onSubmit=${submit} aria-label=${editing ? 'Edit event' : 'Create event'}>
    <h2>${editing ? `Edit ${form.name}` : 'Create event'}</h2>
    <${Field} label="Name"><input name="event-name" required disabled=${editing} value=${form.name} onInput=${set('name')} /><//>
    <fieldset><legend>Event types</legend>
      ${EVENT_TYPES.map(
        (t) => html`<label class="check"><input type="checkbox" name=${`type-${t}`} checked=${form.event_types.includes(t)} onChange=${() => toggleType(t)} /> ${t}</label>`,
      )}
    </fieldset>
    <${Field} label="State"><select name="state" value=${form.state} onChange=${set('state')}><option>ENABLED</option><option>DISABLED</option></select><//>
    <${Field} label="Target type"><select name="target-type" value=${form.target_type} onChange=${set('target_type')}><option>WEBHOOK</option><option>SMN</option></select><//>
    <${Field} label="Target" hint="a webhook URL or an SMN topic URN"><input name="target-id" required value=${form.target_id} onInput=${set('target_id')} /><//>
    <${Field} label="Target name"><input name="target-name" required value=${form.target_name} onInput=${set('target_name')} /><//>
    <${ErrorBox} error=${action.error} />
    <div class="actions"><button type="submit" disabled=${action.busy}>${editing ? 'Save' : 'Create'}</button> <button type="button" onClick=${onCancel}>Cancel</button></div>
  </form>`;
}

export function EventList() {
  const [marker, setMarker] = useState('');
  const [history, setHistory] = useState([]);
  const list = useLoad(() => request('GET', projectPath(`/csms/events${query({ limit: 50, marker })}`)), [marker]);
  const [editing, setEditing] = useState(null);  // null, 'new' or an event
  const action = useAction();
  const [result, setResult] = useState(null);
  const done = () => {
    setEditing(null);
    list.reload();
  };
  const act = async (fn, after) => {
    setResult(null);
    if (await action.run(async () => setResult(await fn()))) {
      if (after) after();
      list.reload();
    }
  };
  const events = list.data ? list.data.events : [];
  const next = list.data && list.data.page_info ? list.data.page_info.next_marker : null;
  return html`<section aria-labelledby="events-title">
    <div class="bar"><h1 id="events-title">Events</h1><button onClick=${() => setEditing('new')}>Create event</button></div>
    ${editing === 'new' ? html`<${EventForm} initial=${empty} editing=${false} onDone=${done} onCancel=${() => setEditing(null)} />` : null}
    ${editing && editing !== 'new'
      ? html`<${EventForm}
          initial=${{ name: editing.name, event_types: editing.event_types, state: editing.state, target_type: editing.notification.target_type, target_id: editing.notification.target_id, target_name: editing.notification.target_name }}
          editing=${true} onDone=${done} onCancel=${() => setEditing(null)} />`
      : null}
    <${ErrorBox} error=${list.error || action.error} />
    ${result && result.test
      ? html`<div class="notice" role="status">Test: ${result.test.notification_status} (HTTP ${result.test.http_status}) ${result.test.error || ''}</div>`
      : null}
    ${result && result.signing_secret
      ? html`<div class="notice" role="status">New signing secret (shown once): <code class="secret-value signing-secret">${result.signing_secret}</code></div>`
      : null}
    <table class="list" aria-label="Events">
      <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Types</th><th scope="col">Target</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
      <tbody>
        ${events.map(
          (ev) => html`<tr key=${ev.name}>
            <td>${ev.name}</td><td>${ev.state}</td><td class="wrap">${ev.event_types.join(', ')}</td>
            <td class="wrap">${ev.notification.target_type}: ${ev.notification.target_id}</td><td>${formatTime(ev.create_time)}</td>
            <td class="row-actions">
              <button class="small" onClick=${() => setEditing(ev)} aria-label=${`Edit ${ev.name}`}>Edit</button>
              <button class="small" aria-label=${`${ev.state === 'ENABLED' ? 'Disable' : 'Enable'} ${ev.name}`}
                onClick=${() => act(() => request('PUT', projectPath(`/csms/events/${seg(ev.name)}`), { state: ev.state === 'ENABLED' ? 'DISABLED' : 'ENABLED' }))}>
                ${ev.state === 'ENABLED' ? 'Disable' : 'Enable'}</button>
              <button class="small" aria-label=${`Test ${ev.name}`} onClick=${() => act(() => request('POST', projectPath(`/csms/events/${seg(ev.name)}/test`)))}>Test</button>
              ${ev.notification.target_type === 'WEBHOOK'
                ? html`<button class="small" aria-label=${`Rotate signing secret of ${ev.name}`}
                    onClick=${() => window.confirm(`Rotate the signing secret of ${ev.name}? The old one keeps signing for a day.`) && act(() => request('POST', projectPath(`/csms/events/${seg(ev.name)}/rotate-signing-secret`), {}))}>Rotate secret</button>`
                : null}
              <button class="small danger" aria-label=${`Delete ${ev.name}`}
                onClick=${() => window.confirm(`Delete event ${ev.name}?`) && act(() => request('DELETE', projectPath(`/csms/events/${seg(ev.name)}`)))}>Delete</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${action.error && action.error.status === 409
      ? html`<p class="hint">An event that secrets still subscribe to cannot be deleted: remove it from their subscriptions first.</p>`
      : null}
    <nav class="pager" aria-label="Event pages">
      <button disabled=${history.length === 0} onClick=${() => { const h = history.slice(0, -1); setMarker(history[history.length - 1]); setHistory(h); }}>Previous</button>
      <button disabled=${!next} onClick=${() => { setHistory([...history, marker]); setMarker(next); }}>Next</button>
    </nav>
  </section>`;
}
