// Secrets: the list (name search, tag filter, pages), create, and one secret's page.
import { useState } from 'preact/hooks';
import { request, projectPath, seg } from './api.js';
import { html, ErrorBox, Field, formatTime, useAction, useLoad, utcMillis } from './ui.js';

const PAGE = 20;

export function SecretList({ navigate }) {
  const [filter, setFilter] = useState({ name: '', tagKey: '', tagValue: '' });
  const [draft, setDraft] = useState(filter);
  const [offset, setOffset] = useState(0);
  const list = useLoad(async () => {
    const body = { action: 'filter', limit: String(PAGE), offset: String(offset) };
    if (filter.name) body.matches = [{ key: 'resource_name', value: filter.name }];
    if (filter.tagKey) body.tags = [{ key: filter.tagKey, values: filter.tagValue ? [filter.tagValue] : [] }];
    return request('POST', projectPath('/csms/resource_instances/action'), body);
  }, [filter, offset]);
  const search = (e) => {
    e.preventDefault();
    setOffset(0);
    setFilter(draft);
  };
  const total = list.data ? list.data.total_count : 0;
  return html`<section aria-labelledby="secrets-title">
    <div class="bar">
      <h1 id="secrets-title">Secrets</h1>
      <button onClick=${() => navigate('#/secrets/new')}>Create secret</button>
    </div>
    <form class="filters" onSubmit=${search} role="search" aria-label="Filter secrets">
      <${Field} label="Name contains"><input name="name" value=${draft.name} onInput=${(e) => setDraft({ ...draft, name: e.target.value })} /><//>
      <${Field} label="Tag key"><input name="tag-key" value=${draft.tagKey} onInput=${(e) => setDraft({ ...draft, tagKey: e.target.value })} /><//>
      <${Field} label="Tag value"><input name="tag-value" value=${draft.tagValue} onInput=${(e) => setDraft({ ...draft, tagValue: e.target.value })} /><//>
      <button type="submit">Search</button>
    </form>
    <${ErrorBox} error=${list.error} />
    <table class="list" aria-label="Secrets">
      <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Type</th><th scope="col">Created</th><th scope="col">Events</th></tr></thead>
      <tbody>
        ${(list.data ? list.data.resources : []).map((r) => {
          const s = r.resource_detail || {};
          return html`<tr key=${r.resource_id}>
            <td><a href=${`#/secrets/${seg(r.resource_name)}`}>${r.resource_name}</a></td>
            <td>${s.state}</td><td>${s.secret_type}</td><td>${formatTime(s.create_time)}</td>
            <td>${(s.event_subscriptions || []).join(', ')}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${list.data && list.data.resources.length === 0 ? html`<p class="empty">No secrets.</p>` : null}
    <nav class="pager" aria-label="Secret pages">
      <button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
      <span>${total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}` : ''}</span>
      <button disabled=${offset + PAGE >= total} onClick=${() => setOffset(offset + PAGE)}>Next</button>
    </nav>
  </section>`;
}

export function SecretCreate({ navigate }) {
  const [form, setForm] = useState({ name: '', value: '', description: '', events: '' });
  const action = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const body = { name: form.name, secret_string: form.value };
    if (form.description) body.description = form.description;
    const events = form.events.split(',').map((s) => s.trim()).filter(Boolean);
    if (events.length) body.event_subscriptions = events;
    if (await action.run(() => request('POST', projectPath('/secrets'), body))) navigate(`#/secrets/${seg(form.name)}`);
  };
  return html`<section aria-labelledby="create-title">
    <h1 id="create-title">Create secret</h1>
    <form class="form" onSubmit=${submit}>
      <${Field} label="Name"><input name="name" required value=${form.name} onInput=${set('name')} /><//>
      <${Field} label="Value"><textarea name="value" required rows="4" autocomplete="off" value=${form.value} onInput=${set('value')}></textarea><//>
      <${Field} label="Description"><input name="description" value=${form.description} onInput=${set('description')} /><//>
      <${Field} label="Subscribed events" hint="comma-separated event names"><input name="events" value=${form.events} onInput=${set('events')} /><//>
      <${ErrorBox} error=${action.error} />
      <div class="actions"><button type="submit" disabled=${action.busy}>Create</button> <a href="#/secrets">Cancel</a></div>
    </form>
  </section>`;
}

// A version's value, fetched only when the user asks for it and forgotten when hidden.
function VersionValue({ name, versionId }) {
  const [value, setValue] = useState(null);
  const action = useAction();
  const reveal = () =>
    action.run(async () => {
      const v = await request('GET', projectPath(`/secrets/${seg(name)}/versions/${seg(versionId)}`));
      setValue(v.version.secret_string !== undefined ? v.version.secret_string : '(binary value)');
    });
  const copy = () => action.run(() => navigator.clipboard.writeText(value));
  return html`<span class="value">
    ${value === null
      ? html`<button class="small" onClick=${reveal} aria-label=${`Reveal value of ${versionId}`}>Reveal</button>`
      : html`<code class="secret-value">${value}</code>
          <button class="small" onClick=${copy}>Copy</button>
          <button class="small" onClick=${() => setValue(null)} aria-label=${`Hide value of ${versionId}`}>Hide</button>`}
    <${ErrorBox} error=${action.error} />
  </span>`;
}

export function SecretDetail({ name, navigate }) {
  const secret = useLoad(() => request('GET', projectPath(`/secrets/${seg(name)}`)), [name]);
  const versions = useLoad(() => request('GET', projectPath(`/secrets/${seg(name)}/versions?limit=100`)), [name]);
  const action = useAction();
  const [notice, setNotice] = useState('');
  const [newValue, setNewValue] = useState('');
  const [stage, setStage] = useState({ name: '', version: '' });
  const [expiry, setExpiry] = useState({ version: '', at: '' });
  const [tag, setTag] = useState({ key: '', value: '' });
  const [days, setDays] = useState('7');
  const s = secret.data ? secret.data.secret : null;
  const tags = useLoad(async () => (s ? request('GET', projectPath(`/csms/${seg(s.id)}/tags`)) : { tags: [] }), [s && s.id]);
  const reloadAll = () => {
    secret.reload();
    versions.reload();
    tags.reload();
  };
  const act = async (label, fn) => {
    setNotice('');
    if (await action.run(fn)) {
      setNotice(label);
      reloadAll();
    }
  };
  if (secret.error) return html`<section><h1>Secret ${name}</h1><${ErrorBox} error=${secret.error} /></section>`;
  if (!s) return html`<p>Loading…</p>`;
  const download = () =>
    action.run(async () => {
      const res = await request('POST', projectPath(`/secrets/${seg(name)}/backup`));
      const blob = new Blob([res.secret_blob], { type: 'text/plain' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${name}.csms-backup`;
      a.click();
      URL.revokeObjectURL(a.href);
    });
  const pending = s.state === 'PENDING_DELETE';
  return html`<section aria-labelledby="secret-title">
    <div class="bar">
      <h1 id="secret-title">Secret <span class="name">${s.name}</span></h1>
      <a href="#/secrets">All secrets</a>
    </div>
    <dl class="props">
      <dt>State</dt><dd class="secret-state">${s.state}</dd>
      <dt>Type</dt><dd>${s.secret_type}</dd>
      <dt>Description</dt><dd>${s.description || '—'}</dd>
      <dt>Created</dt><dd>${formatTime(s.create_time)}</dd>
      <dt>Events</dt><dd>${(s.event_subscriptions || []).join(', ') || '—'}</dd>
      <dt>Auto rotation</dt><dd>${s.auto_rotation ? `every ${s.rotation_period}` : 'off'}</dd>
      ${pending ? html`<dt>Deleted at</dt><dd>${formatTime(s.scheduled_delete_time)}</dd>` : null}
    </dl>
    <div role="status" class="notice-area">${notice ? html`<div class="notice">${notice}</div>` : null}</div>
    <${ErrorBox} error=${action.error} />
    <h2>Versions</h2>
    <${ErrorBox} error=${versions.error} />
    <table class="list" aria-label="Versions">
      <thead><tr><th scope="col">Version</th><th scope="col">Stages</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Value</th></tr></thead>
      <tbody>
        ${(versions.data ? versions.data.version_metadatas : []).map(
          (v) => html`<tr key=${v.id}>
            <td>${v.id}</td><td>${(v.version_stages || []).join(', ')}</td><td>${formatTime(v.create_time)}</td>
            <td>${formatTime(v.expire_time)}</td><td><${VersionValue} name=${name} versionId=${v.id} /></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <div class="panels">
      <form class="form" aria-label="New version" onSubmit=${(e) => {
        e.preventDefault();
        act('Version created.', async () => {
          await request('POST', projectPath(`/secrets/${seg(name)}/versions`), { secret_string: newValue });
          setNewValue('');
        });
      }}>
        <h3>New version</h3>
        <${Field} label="Value"><textarea name="new-value" rows="3" autocomplete="off" required value=${newValue} onInput=${(e) => setNewValue(e.target.value)}></textarea><//>
        <button type="submit" disabled=${action.busy || pending}>Add version</button>
      </form>
      <form class="form" aria-label="Move stage" onSubmit=${(e) => {
        e.preventDefault();
        act(`Stage ${stage.name} moved.`, () => request('PUT', projectPath(`/secrets/${seg(name)}/stages/${seg(stage.name)}`), { version_id: stage.version }));
      }}>
        <h3>Move a stage</h3>
        <${Field} label="Stage"><input name="stage" required value=${stage.name} onInput=${(e) => setStage({ ...stage, name: e.target.value })} /><//>
        <${Field} label="To version"><input name="stage-version" required value=${stage.version} onInput=${(e) => setStage({ ...stage, version: e.target.value })} /><//>
        <button type="submit" disabled=${action.busy}>Move</button>
      </form>
      <form class="form" aria-label="Set expiry" onSubmit=${(e) => {
        e.preventDefault();
        act('Expiry set.', () => request('PUT', projectPath(`/secrets/${seg(name)}/versions/${seg(expiry.version)}`), { expire_time: utcMillis(expiry.at) }));
      }}>
        <h3>Set expiry</h3>
        <${Field} label="Version"><input name="expiry-version" required value=${expiry.version} onInput=${(e) => setExpiry({ ...expiry, version: e.target.value })} /><//>
        <${Field} label="Expires at (UTC)"><input name="expiry-at" type="datetime-local" required value=${expiry.at} onInput=${(e) => setExpiry({ ...expiry, at: e.target.value })} /><//>
        <button type="submit" disabled=${action.busy}>Set</button>
      </form>
      <form class="form" aria-label="Tags" onSubmit=${(e) => {
        e.preventDefault();
        act(`Tag ${tag.key} set.`, () => request('POST', projectPath(`/csms/${seg(s.id)}/tags`), { tag: { key: tag.key, value: tag.value } }));
      }}>
        <h3>Tags</h3>
        <ul class="tags">
          ${(tags.data ? tags.data.tags : []).map(
            (t) => html`<li key=${t.key}><span>${t.key}=${t.value}</span>
              <button type="button" class="small" aria-label=${`Remove tag ${t.key}`} onClick=${() => act(`Tag ${t.key} removed.`, () => request('DELETE', projectPath(`/csms/${seg(s.id)}/tags/${seg(t.key)}`)))}>×</button></li>`,
          )}
        </ul>
        <${Field} label="Key"><input name="tag-key" required value=${tag.key} onInput=${(e) => setTag({ ...tag, key: e.target.value })} /><//>
        <${Field} label="Value"><input name="tag-value" value=${tag.value} onInput=${(e) => setTag({ ...tag, value: e.target.value })} /><//>
        <button type="submit" disabled=${action.busy}>Set tag</button>
      </form>
      <div class="form">
        <h3>Lifecycle</h3>
        <button onClick=${() => act('Rotation started: see Tasks.', () => request('POST', projectPath(`/secrets/${seg(name)}/rotate`)))} disabled=${action.busy || pending}>Rotate now</button>
        <button onClick=${download} disabled=${action.busy}>Download backup</button>
        ${pending
          ? html`<button onClick=${() => act('Deletion cancelled.', () => request('POST', projectPath(`/secrets/${seg(name)}/scheduled-deleted-tasks/cancel`)))}>Restore</button>`
          : html`<div class="inline">
              <${Field} label="Delete after (days)"><input name="delete-days" type="number" min="7" max="30" value=${days} onInput=${(e) => setDays(e.target.value)} /><//>
              <button class="danger" onClick=${() => {
                if (window.confirm(`Schedule the deletion of ${name} in ${days} days?`)) {
                  act('Deletion scheduled.', () => request('POST', projectPath(`/secrets/${seg(name)}/scheduled-deleted-tasks/create`), { recovery_window_in_days: Number(days) }));
                }
              }}>Schedule deletion</button>
            </div>`}
      </div>
    </div>
  </section>`;
}
