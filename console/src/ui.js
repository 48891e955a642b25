// Small shared pieces of the console: the error box, dates, paging, confirmations.
import { h } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

export function formatTime(ms) {
  if (ms === undefined || ms === null || ms === '' || Number(ms) <= 0) return '—';
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// A datetime-local input's value (no zone) read as UTC, as the console labels it.
export const utcMillis = (local) => new Date(`${local}Z`).getTime();

// An API error as the user sees it: the CSMS code and the message (text only, never markup).
export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert">
    <strong>${error.code || 'Error'}</strong> ${error.message}
  </div>`;
}

export function Notice({ text }) {
  if (!text) return null;
  return html`<div class="notice" role="status">${text}</div>`;
}

// Runs an async loader and keeps {data, error, loading}; reload() runs it again.
export function useLoad(loader, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const reload = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loader();
      setState({ data, error: null, loading: false });
    } catch (e) {
      setState({ data: null, error: e, loading: false });
    }
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload };
}

// Runs an action, showing its error; returns true when it worked.
export function useAction() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

export function Field({ label, children, hint }) {
  return html`<label class="field"><span>${label}</span>${children}${hint ? html`<small>${hint}</small>` : null}</label>`;
}

export const statusClass = (s) => `status status-${String(s || '').toLowerCase()}`;
