// Rotation tasks with their status and reason.
import { useState } from 'preact/hooks';
import { request, projectPath, query } from './api.js';
import { html, ErrorBox, Field, formatTime, useLoad, statusClass } from './ui.js';

export function TaskList() {
  const [filter, setFilter] = useState({ secret_name: '', status: '' });
  const [marker, setMarker] = useState('');
  const list = useLoad(() => request('GET', projectPath(`/csms/tasks${query({ ...filter, marker, limit: 50 })}`)), [filter, marker]);
  const tasks = list.data ? list.data.tasks : [];
  return html`<section aria-labelledby="tasks-title">
    <h1 id="tasks-title">Rotation tasks</h1>
    <form class="filters" aria-label="Filter tasks" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="Secret"><input name="task-secret" value=${filter.secret_name} onChange=${(e) => { setMarker(''); setFilter({ ...filter, secret_name: e.target.value }); }} /><//>
      <${Field} label="Status"><select name="task-status" value=${filter.status} onChange=${(e) => { setMarker(''); setFilter({ ...filter, status: e.target.value }); }}>
        <option value="">any</option><option>SUCCESS</option><option>FAILED</option></select><//>
    </form>
    <${ErrorBox} error=${list.error} />
    <table class="list" aria-label="Tasks">
      <thead><tr><th scope="col">Task</th><th scope="col">Secret</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Created</th></tr></thead>
      <tbody>
        ${tasks.map(
          (t) => html`<tr key=${t.task_id}><td>${t.task_id}</td><td>${t.secret_name}</td><td><span class=${statusClass(t.task_status)}>${t.task_status}</span></td>
            <td class="wrap">${t.task_error_msg || t.task_error_code || ''}</td><td>${formatTime(t.task_time)}</td></tr>`,
        )}
      </tbody>
    </table>
    ${list.data && tasks.length === 0 ? html`<p class="empty">No tasks.</p>` : null}
    <nav class="pager" aria-label="Task pages">
      <button disabled=${!marker} onClick=${() => setMarker('')}>First page</button>
      <button disabled=${!(list.data && list.data.next_marker)} onClick=${() => setMarker(list.data.next_marker)}>Next</button>
    </nav>
  </section>`;
}
