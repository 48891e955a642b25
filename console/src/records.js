// The notification-record log (the seed API): every filter of the listing, newest first, live
// while the page is open; a record's attempts; redeliver one; redrive by the current filter.
import { useEffect, useState } from 'preact/hooks';
import { request, projectPath, seg, query } from './api.js';
import { html, ErrorBox, Field, formatTime, useAction, statusClass, utcMillis } from './ui.js';
import { EVENT_TYPES } from './events.js';

const LIVE_MS = 2000;
const emptyFilter = { event_name: '', secret_name: '', trigger_event_type: '', notification_status: '', start: '', end: '' };

function apiFilter(f) {
  return {
    event_name: f.event_name,
    secret_name: f.secret_name,
    trigger_event_type: f.trigger_event_type,
    notification_status: f.notification_status,
    start_time: f.start ? utcMillis(f.start) : '',
    end_time: f.end ? utcMillis(f.end) : '',
  };
}

function RecordDetail({ id, onClose }) {
  const [detail, setDetail] = useState(null);
  const action = useAction();
  const load = () => action.run(async () => setDetail((await request('GET', projectPath(`/csms/notification-records/${seg(id)}`))).record));
  useEffect(() => {
    load();
  }, [id]);
  const redeliver = () =>
    action.run(async () => {
      await request('POST', projectPath(`/csms/notification-records/${seg(id)}/redeliver`));
      await load();
    });
  return html`<section class="detail" aria-label="Record detail">
    <div class="bar"><h2>Record <span class="name">${id}</span></h2><button onClick=${onClose}>Close</button></div>
    <${ErrorBox} error=${action.error} />
    ${detail
      ? html`<dl class="props">
          <dt>Status</dt><dd><span class=${statusClass(detail.notification_status)}>${detail.notification_status}</span></dd>
          <dt>Event</dt><dd>${detail.event_name}</dd><dt>Trigger</dt><dd>${detail.trigger_event_type}</dd>
          <dt>Secret</dt><dd>${detail.secret_name}</dd>
          <dt>Target</dt><dd class="wrap">${detail.notification_target_type}: ${detail.notification_target_id}</dd>
          <dt>Created</dt><dd>${formatTime(detail.create_time)}</dd>
          <dt>Attempts</dt><dd>${detail.attempt_count}</dd>
          ${detail.last_error ? html`<dt>Last error</dt><dd class="wrap">${detail.last_error}</dd>` : null}
        </dl>
        <table class="list" aria-label="Attempts">
          <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">HTTP</th><th scope="col">Latency</th><th scope="col">Error</th></tr></thead>
          <tbody>${(detail.attempts || []).map(
            (a) => html`<tr key=${a.number}><td>${a.number}</td><td>${formatTime(a.time)}</td><td>${a.http_status || '—'}</td>
              <td>${a.latency_us ? `${(a.latency_us / 1000).toFixed(1)} ms` : '—'}</td><td class="wrap">${a.in_doubt ? 'in doubt: ' : ''}${a.error || ''}</td></tr>`,
          )}</tbody>
        </table>
        <h3>Content</h3>
        <pre class="content">${detail.notification_content}</pre>
        <button onClick=${redeliver} disabled=${action.busy}>Redeliver</button>`
      : html`<p>Loading…</p>`}
  </section>`;
}

export function RecordList() {
  const [draft, setDraft] = useState(emptyFilter);
  const [filter, setFilter] = useState(emptyFilter);
  const [marker, setMarker] = useState('');
  const [history, setHistory] = useState([]);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState(null);
  const action = useAction();
  const [notice, setNotice] = useState('');

  // The first page refreshes itself while live; older pages stay as they were.
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const data = await request('GET', projectPath(`/csms/notification-records${query({ ...apiFilter(filter), limit: 50, marker })}`));
        if (!stopped) {
          setPage(data);
          setError(null);
        }
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    load();
    const timer = live && !marker ? setInterval(load, LIVE_MS) : null;
    return () => {
      stopped = true;
      if (timer) clearInterval(timer);
    };
  }, [filter, marker, live]);

  const apply = (e) => {
    e.preventDefault();
    setMarker('');
    setHistory([]);
    setFilter(draft);
  };
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.target.value });

  // How many the redrive would send: the listing's count under the same filters (FAIL and INVALID
  // when no status is chosen, as the API does).
  const redrive = () =>
    action.run(async () => {
      const statuses = filter.notification_status ? [filter.notification_status] : ['FAIL', 'INVALID'];
      let count = 0;
      for (const status of statuses) {
        let m = '';
        do {
          const p = await request('GET', projectPath(`/csms/notification-records${query({ ...apiFilter(filter), notification_status: status, limit: 1000, marker: m })}`));
          count += p.records.length;
          m = p.page_info && p.page_info.next_marker;
        } while (m && count < 1000);
      }
      if (count === 0) {
        setNotice('Nothing to redrive: no record matches.');
        return;
      }
      if (!window.confirm(`Send ${count}${count >= 1000 ? ' (at most 1000 per call)' : ''} notification(s) again?`)) return;
      const r = await request('POST', projectPath(`/csms/notification-records/redrive${query({ ...apiFilter(filter), limit: 1000 })}`));
      setNotice(`${r.redriven_count} notification(s) sent again${r.more ? '; more match: redrive again' : ''}.`);
    });

  const records = page ? page.records : [];
  const next = page && page.page_info ? page.page_info.next_marker : null;
  return html`<section aria-labelledby="records-title">
    <div class="bar">
      <h1 id="records-title">Notification records</h1>
      <label class="check"><input type="checkbox" name="live" checked=${live} onChange=${(e) => setLive(e.target.checked)} /> Live</label>
    </div>
    <form class="filters" onSubmit=${apply} aria-label="Filter records">
      <${Field} label="Event"><input name="event_name" value=${draft.event_name} onInput=${set('event_name')} /><//>
      <${Field} label="Secret"><input name="secret_name" value=${draft.secret_name} onInput=${set('secret_name')} /><//>
      <${Field} label="Trigger"><select name="trigger_event_type" value=${draft.trigger_event_type} onChange=${set('trigger_event_type')}>
        <option value="">any</option>${EVENT_TYPES.map((t) => html`<option>${t}</option>`)}</select><//>
      <${Field} label="Status"><select name="notification_status" value=${draft.notification_status} onChange=${set('notification_status')}>
        <option value="">final (any)</option><option>SUCCESS</option><option>FAIL</option><option>INVALID</option><option>PENDING</option></select><//>
      <${Field} label="From (UTC)"><input name="start" type="datetime-local" value=${draft.start} onInput=${set('start')} /><//>
      <${Field} label="To (UTC)"><input name="end" type="datetime-local" value=${draft.end} onInput=${set('end')} /><//>
      <button type="submit">Apply</button>
      <button type="button" onClick=${redrive} disabled=${action.busy}>Redrive…</button>
    </form>
    <${ErrorBox} error=${error || action.error} />
    <div role="status" class="notice-area">${notice ? html`<div class="notice">${notice}</div>` : null}</div>
    ${selected ? html`<${RecordDetail} id=${selected} onClose=${() => setSelected(null)} />` : null}
    <table class="list records" aria-label="Records">
      <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Trigger</th><th scope="col">Secret</th><th scope="col">Target</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Detail</span></th></tr></thead>
      <tbody>
        ${records.map(
          (r) => html`<tr key=${r.record_id} data-record-id=${r.record_id}>
            <td>${formatTime(r.create_time)}</td><td>${r.event_name}</td><td>${r.trigger_event_type}</td><td>${r.secret_name}</td>
            <td>${r.notification_target_name}</td><td><span class=${statusClass(r.notification_status)}>${r.notification_status}</span></td>
            <td><button class="small" onClick=${() => setSelected(r.record_id)} aria-label=${`Detail of record ${r.record_id}`}>Detail</button></td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${page && records.length === 0 ? html`<p class="empty">No records.</p>` : null}
    <nav class="pager" aria-label="Record pages">
      <button disabled=${history.length === 0} onClick=${() => { setMarker(history[history.length - 1]); setHistory(history.slice(0, -1)); }}>Newer</button>
      <button disabled=${!next} onClick=${() => { setHistory([...history, marker]); setMarker(next); }}>Older</button>
    </nav>
  </section>`;
}
