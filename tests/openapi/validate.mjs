// Response validation (CTest: openapi_validate): an integration scenario over every area of the
// API against a real `csmsd --dev` (tests/openapi/run.sh starts it), each real response checked
// against the document csmsd serves at /openapi.json: the status must be documented for that path
// and method, a documented JSON body must validate (ajv, JSON Schema 2020-12, unknown formats are
// errors, response schemas have additionalProperties: false), a response documented without a
// body must have none. Exits 1 listing every mismatch.
//
// env: CSMS_ENDPOINT, CSMS_PROJECT_ID, CSMS_DOMAIN, CSMS_USER, CSMS_PASSWORD, CSMS_READER
import http from 'node:http';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const endpoint = process.env.CSMS_ENDPOINT;
const projectId = process.env.CSMS_PROJECT_ID;
const domain = process.env.CSMS_DOMAIN;
const userName = process.env.CSMS_USER;
const password = process.env.CSMS_PASSWORD;
const readerName = process.env.CSMS_READER;

const mismatches = [];
const exercised = new Set();

// ---------------------------------------------------------------- the document and its schemas

const docResponse = await fetch(`${endpoint}/openapi.json`);
if (docResponse.status !== 200) throw new Error(`GET /openapi.json answered ${docResponse.status}`);
const doc = await docResponse.json();

// "#/components/schemas/X" -> "csms#/$defs/X": the component schemas become one ajv schema.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        if (!v.startsWith('#/components/schemas/')) throw new Error(`unexpected $ref ${v} in a schema`);
        out[k] = `csms#/$defs/${v.slice('#/components/schemas/'.length)}`;
      } else {
        out[k] = rewriteRefs(v);
      }
    }
    return out;
  }
  return node;
}

const ajv = new Ajv2020({
  allErrors: true,
  strict: true,  // unknown keywords and unknown formats are errors
  strictTypes: false,  // allOf/oneOf branches name no type of their own
  strictRequired: false,
  allowUnionTypes: true,  // [integer, "null"]
  validateFormats: true,
});
addFormats(ajv);  // uuid, date-time, … (an unknown format still fails the compile)
ajv.addSchema({ $id: 'csms', $defs: rewriteRefs(doc.components.schemas) });

function resolveResponse(response) {
  if (response && response.$ref) {
    const prefix = '#/components/responses/';
    if (!response.$ref.startsWith(prefix)) throw new Error(`unexpected response $ref ${response.$ref}`);
    return doc.components.responses[response.$ref.slice(prefix.length)];
  }
  return response;
}

const compiled = new Map();
function validatorFor(key, schema) {
  if (!compiled.has(key)) compiled.set(key, ajv.compile(rewriteRefs(schema)));
  return compiled.get(key);
}

// Checks one real answer against the document: `template` is the document's path.
function check(method, template, status, contentType, text, headers) {
  const where = `${method.toUpperCase()} ${template} -> ${status}`;
  const operation = doc.paths[template]?.[method.toLowerCase()];
  if (!operation) {
    mismatches.push(`${where}: the document has no such operation`);
    return;
  }
  exercised.add(`${method.toUpperCase()} ${template}`);
  const response = resolveResponse(operation.responses[String(status)]);
  if (!response) {
    mismatches.push(`${where}: status ${status} is not documented (body: ${text.slice(0, 200)})`);
    return;
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required && !headers.get(name)) mismatches.push(`${where}: the required header ${name} is missing`);
  }
  if (!response.content) {
    if (text.length > 0) mismatches.push(`${where}: documented without a body, got ${text.slice(0, 200)}`);
    return;
  }
  const mediaTypes = Object.keys(response.content);
  const mediaType = mediaTypes.find((m) => contentType.startsWith(m));
  if (!mediaType) {
    mismatches.push(`${where}: Content-Type ${contentType} is not one of ${mediaTypes.join(', ')}`);
    return;
  }
  if (mediaType !== 'application/json') return;  // text (metrics, console files): the type is the contract
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    mismatches.push(`${where}: not JSON: ${text.slice(0, 200)}`);
    return;
  }
  const validate = validatorFor(`${where} ${mediaType}`, response.content[mediaType].schema);
  if (!validate(body)) {
    for (const e of validate.errors) {
      mismatches.push(`${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}

// Every JSON schema of the document compiles (requests too, and answers the scenario never sees):
// an unknown keyword or format anywhere fails here, not only where a response happens to land.
for (const [template, item] of Object.entries(doc.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (!['get', 'put', 'post', 'delete'].includes(method)) continue;
    const where = `${method.toUpperCase()} ${template}`;
    const schemas = [];
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
      schemas.push([`${where} request ${type}`, media.schema]);
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(resolveResponse(response).content ?? {})) {
        schemas.push([`${where} -> ${status} ${type}`, media.schema]);
      }
    }
    for (const [key, schema] of schemas) {
      try {
        validatorFor(key, schema);
      } catch (e) {
        mismatches.push(`${key}: the schema does not compile: ${e.message}`);
      }
    }
  }
}

// The checker itself must be able to fail: a real body with a field too many, or one too few, is
// refused (else a schema or the validator set-up has gone lax).
function mustReject(method, template, status, body, what) {
  const before = mismatches.length;
  check(method, template, status, 'application/json', JSON.stringify(body), new Headers());
  if (mismatches.length === before) {
    mismatches.push(`${method} ${template} -> ${status}: the document accepts ${what}`);
  } else {
    mismatches.length = before;
  }
}

// ---------------------------------------------------------------- calls

let token = '';

// Calls `template` with its {parameters} filled from `params` (project_id by default), checks the
// answer against the document, and returns {status, body (parsed JSON or null), text, headers}.
async function call(method, template, { params = {}, query, body, headers = {}, auth = true } = {}) {
  let path = template.replace(/\{([a-z_]+)\}/g, (_, name) => {
    const v = name === 'project_id' && params[name] === undefined ? projectId : params[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(v);
  });
  if (query) path += `?${new URLSearchParams(query)}`;
  const h = { ...headers };
  if (auth && token) h['X-Auth-Token'] = token;
  let payload;
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(`${endpoint}${path}`, { method, headers: h, body: payload });
  const text = await res.text();
  check(method, template, res.status, res.headers.get('content-type') ?? '', text, res.headers);
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, body: json, text, headers: res.headers };
}

function expectStatus(r, want, what) {
  if (r.status !== want) throw new Error(`${what}: expected ${want}, got ${r.status}: ${r.text.slice(0, 300)}`);
  return r;
}

async function eventually(what, probe, seconds = 90) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A webhook receiver that accepts every notification.
const received = [];
const receiver = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    received.push(data);
    res.writeHead(200).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

function loginBody(name, pass, projectName) {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name, password: pass, domain: { name: domain } } } },
      scope: { project: projectName ? { name: projectName } : { id: projectId } },
    },
  };
}

// ---------------------------------------------------------------- the scenario

async function scenario() {
  // Operations, public.
  expectStatus(await call('GET', '/healthz'), 200, 'healthz');
  expectStatus(await call('GET', '/readyz'), 200, 'readyz');
  expectStatus(await call('GET', '/metrics'), 200, 'metrics');
  expectStatus(await call('GET', '/openapi.json'), 200, 'openapi.json');
  expectStatus(await call('GET', '/console'), 200, 'console');
  expectStatus(await call('GET', '/console/app.js'), 200, 'console script');
  expectStatus(await call('GET', '/console/app.css'), 200, 'console style');
  expectStatus(await call('GET', '/console/config.json'), 200, 'console config');

  // Login, and the errors of authentication: 401 (no token, a wrong password).
  expectStatus(await call('POST', '/v3/auth/tokens', { body: loginBody(userName, 'wrong-password') }), 401, 'bad login');
  expectStatus(await call('GET', '/v1/{project_id}/secrets'), 401, 'no token');
  const login = expectStatus(await call('POST', '/v3/auth/tokens', { body: loginBody(userName, password) }), 201, 'login');
  token = login.headers.get('x-subject-token');
  await call('POST', '/v3/auth/tokens', { body: loginBody(userName, password), query: { nocatalog: '' } });
  const projects = expectStatus(await call('GET', '/v3/projects'), 200, 'projects').body.projects;
  expectStatus(await call('GET', '/v1/{project_id}/secrets', { params: { project_id: '0'.repeat(32) } }), 403,
               'another project');
  // A second token, revoked.
  const second = await call('POST', '/v3/auth/tokens', { body: loginBody(userName, password, projects[0].name) });
  expectStatus(await call('DELETE', '/v3/auth/tokens', { headers: { 'X-Subject-Token': second.headers.get('x-subject-token') } }),
               204, 'revoke');
  expectStatus(await call('DELETE', '/v3/auth/tokens'), 400, 'revoke without X-Subject-Token');

  // Events.
  const eventName = 'contract-event';
  const created = await call('POST', '/v1/{project_id}/csms/events', {
    body: {
      name: eventName,
      event_types: ['SECRET_VERSION_CREATED', 'SECRET_DELETED', 'SECRET_ROTATED'],
      state: 'ENABLED',
      notification: { target_type: 'WEBHOOK', target_id: hookUrl, target_name: 'hook' },
    },
  });
  expectStatus(created, 200, 'create event');
  expectStatus(await call('POST', '/v1/{project_id}/csms/events', { body: { name: 'incomplete' } }), 400, 'event without fields');
  await call('POST', '/v1/{project_id}/csms/events', {
    body: { name: eventName, event_types: ['SECRET_DELETED'], state: 'ENABLED',
            notification: { target_type: 'SMN', target_id: 'urn:smn:r:p:t', target_name: 't' } },
  });  // 409: the name is taken
  expectStatus(await call('GET', '/v1/{project_id}/csms/events', { query: { limit: '1' } }), 200, 'list events');
  expectStatus(await call('GET', '/v1/{project_id}/csms/events', { query: { limit: '0' } }), 400, 'limit 0');
  expectStatus(await call('GET', '/v1/{project_id}/csms/events/{event_name}', { params: { event_name: eventName } }), 200,
               'show event');
  expectStatus(await call('GET', '/v1/{project_id}/csms/events/{event_name}', { params: { event_name: 'nope' } }), 404,
               'missing event');
  expectStatus(await call('PUT', '/v1/{project_id}/csms/events/{event_name}',
                          { params: { event_name: eventName }, body: { state: 'ENABLED' } }), 200, 'update event');
  expectStatus(await call('POST', '/v1/{project_id}/csms/events/{event_name}/rotate-signing-secret',
                          { params: { event_name: eventName }, body: { overlap_seconds: 60 } }), 200, 'rotate signing secret');
  expectStatus(await call('POST', '/v1/{project_id}/csms/events/{event_name}/test', { params: { event_name: eventName } }),
               200, 'test notification');

  // Secrets.
  const name = 'contract-secret';
  const secret = expectStatus(await call('POST', '/v1/{project_id}/secrets', {
    body: { name, secret_string: 'first value', description: 'for the contract', event_subscriptions: [eventName] },
  }), 200, 'create secret').body.secret;
  expectStatus(await call('POST', '/v1/{project_id}/secrets', { body: { name, secret_string: 'x' } }), 409,
               'duplicate secret');
  expectStatus(await call('POST', '/v1/{project_id}/secrets', { body: '{"name":' }), 400, 'malformed JSON');
  expectStatus(await call('GET', '/v1/{project_id}/secrets', { query: { limit: '10' } }), 200, 'list secrets');
  expectStatus(await call('GET', '/v1/{project_id}/secrets', { query: { event_name: eventName } }), 200, 'subscribers');
  const s = { params: { secret_name: name } };
  const shown = expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}', s), 200, 'show secret').body;
  mustReject('GET', '/v1/{project_id}/secrets/{secret_name}', 200, { secret: { ...shown.secret, surprise: 1 } },
             'an undocumented field');
  const { state, ...stateless } = shown.secret;
  mustReject('GET', '/v1/{project_id}/secrets/{secret_name}', 200, { secret: stateless }, 'a secret without state');
  mustReject('GET', '/v1/{project_id}/secrets/{secret_name}', 200, { secret: { ...shown.secret, id: 'not-a-uuid' } },
             'an id that is not a UUID');
  mustReject('GET', '/v1/{project_id}/secrets/{secret_name}', 404, { error_code: 'CSMS.0106' }, 'a half error body');
  expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}', { params: { secret_name: 'missing' } }), 404,
               'missing secret');
  expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}', { params: { secret_name: 'bad name!' } }), 400,
               'malformed name');
  expectStatus(await call('PUT', '/v1/{project_id}/secrets/{secret_name}',
                          { ...s, body: { description: 'changed', auto_rotation: true, rotation_period: '30d' } }),
               200, 'update secret');

  // Versions and stages.
  expectStatus(await call('POST', '/v1/{project_id}/secrets/{secret_name}/versions',
                          { ...s, body: { secret_string: 'second value', expire_time: Date.now() + 86400000 } }),
               200, 'create version');
  expectStatus(await call('POST', '/v1/{project_id}/secrets/{secret_name}/versions',
                          { ...s, body: { secret_binary: 'AAEC', version_stages: ['blue'] } }), 200, 'binary version');
  expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}/versions', s), 200, 'list versions');
  for (const version_id of ['v1', 'latest']) {
    expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}/versions/{version_id}',
                            { params: { secret_name: name, version_id } }), 200, `show ${version_id}`);
  }
  expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}/versions/{version_id}',
                          { params: { secret_name: name, version_id: 'v99' } }), 404, 'missing version');
  expectStatus(await call('PUT', '/v1/{project_id}/secrets/{secret_name}/versions/{version_id}',
                          { params: { secret_name: name, version_id: 'v1' }, body: { expire_time: 0 } }), 200,
               'update version');
  const stage = { params: { secret_name: name, stage_name: 'green' } };
  expectStatus(await call('PUT', '/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}',
                          { ...stage, body: { version_id: 'v1' } }), 200, 'put stage');
  expectStatus(await call('GET', '/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}', stage), 200, 'show stage');
  expectStatus(await call('DELETE', '/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}', stage), 204,
               'delete stage');
  expectStatus(await call('DELETE', '/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}',
                          { params: { secret_name: name, stage_name: 'SYSCURRENT' } }), 400, 'delete SYSCURRENT');

  // Rotation and tasks.
  expectStatus(await call('POST', '/v1/{project_id}/secrets/{secret_name}/rotate', s), 200, 'rotate');
  expectStatus(await call('GET', '/v1/{project_id}/csms/tasks', { query: { secret_name: name } }), 200, 'tasks');
  expectStatus(await call('GET', '/v1/{project_id}/csms/tasks', { query: { status: 'DONE' } }), 400, 'bad task status');

  // Tags.
  const t = { params: { secret_id: secret.id } };
  expectStatus(await call('POST', '/v1/{project_id}/csms/{secret_id}/tags', { ...t, body: { tag: { key: 'env', value: 'ci' } } }),
               204, 'create tag');
  expectStatus(await call('POST', '/v1/{project_id}/csms/{secret_id}/tags/action',
                          { ...t, body: { action: 'create', tags: [{ key: 'team', value: 'a' }, { key: 'tmp', value: '' }] } }),
               204, 'batch tags');
  expectStatus(await call('DELETE', '/v1/{project_id}/csms/{secret_id}/tags/{key}', { params: { secret_id: secret.id, key: 'tmp' } }),
               204, 'delete tag');
  expectStatus(await call('GET', '/v1/{project_id}/csms/{secret_id}/tags', t), 200, 'list tags');
  expectStatus(await call('GET', '/v1/{project_id}/csms/{secret_id}/tags', { params: { secret_id: 'no-such-id' } }), 404,
               'tags of a missing secret');
  expectStatus(await call('GET', '/v1/{project_id}/csms/tags'), 200, 'project tags');
  expectStatus(await call('POST', '/v1/{project_id}/csms/resource_instances/action',
                          { body: { action: 'filter', limit: '10', tags: [{ key: 'env', values: ['ci'] }],
                                    matches: [{ key: 'resource_name', value: 'contract' }] } }), 200, 'resources');
  expectStatus(await call('POST', '/v1/{project_id}/csms/resource_instances/action', { body: { action: 'count' } }), 200,
               'resource count');

  // Secret tools.
  expectStatus(await call('POST', '/v1/{project_id}/csms/generate-password', { body: { length: 20 } }), 200, 'password');
  expectStatus(await call('POST', '/v1/{project_id}/csms/generate-password'), 200, 'password without a body');
  expectStatus(await call('POST', '/v1/{project_id}/secrets/checker/check',
                          { body: { type: 'password', data: { secret_string: 'password1', user_inputs: [name] } } }),
               200, 'check');
  expectStatus(await call('GET', '/v1/{project_id}/secrets/checker/config'), 200, 'config');
  expectStatus(await call('POST', '/v1/{project_id}/secrets/checker/config', { body: { checking_secret_strength: false } }),
               200, 'update config');
  expectStatus(await call('POST', '/v1/{project_id}/secrets/batch-import',
                          { body: { secrets: [{ name: 'imported-1', secret_string: 'v' }, { name: name, secret_string: 'v' }] } }),
               200, 'batch import');
  const blob = expectStatus(await call('POST', '/v1/{project_id}/secrets/{secret_name}/backup', s), 200, 'backup')
                   .body.secret_blob;
  expectStatus(await call('POST', '/v1/{project_id}/secrets/restore', { body: { secret_blob: blob } }), 409,
               'restore over an existing secret');

  // Grants (to the read-only user).
  const users = expectStatus(await call('GET', '/v1/csms/users', { query: { offset: '0', limit: '10' } }), 200, 'users')
                    .body.users;
  const reader = users.find((u) => u.user_name === readerName);
  if (!reader) throw new Error(`no user ${readerName} in ${JSON.stringify(users)}`);
  expectStatus(await call('GET', '/v1/csms/users/{user_id}', { params: { user_id: reader.user_id } }), 200, 'user');
  expectStatus(await call('GET', '/v1/csms/users/{user_id}', { params: { user_id: 'nobody' } }), 404, 'missing user');
  const grant = { resource_id: secret.id, type: 'SECRET', grantee_type: '0', grantee_target_id: reader.user_id };
  expectStatus(await call('POST', '/v1/{project_id}/csms/grants', { body: grant }), 200, 'create grant');
  expectStatus(await call('POST', '/v1/{project_id}/csms/grants', { body: grant }), 409, 'grant twice');
  expectStatus(await call('PUT', '/v1/{project_id}/csms/grants',
                          { query: { resource_id: secret.id }, body: { ...grant, validity_time: Date.now() + 3600000 } }),
               200, 'update grant');
  expectStatus(await call('GET', '/v1/{project_id}/csms/grants', { query: { resource_id: secret.id } }), 200, 'grants');
  expectStatus(await call('DELETE', '/v1/{project_id}/csms/grants',
                          { query: { resource_id: secret.id, grantee_user: reader.user_id } }), 204, 'delete grant');

  // Agencies and templates.
  expectStatus(await call('GET', '/v1/csms/agencies', { query: { secret_type: 'RDS-FG' } }), 200, 'agency');
  expectStatus(await call('POST', '/v1/csms/agencies', { body: { secret_type: 'RDS-FG' } }), 200, 'create agency');
  expectStatus(await call('GET', '/v1/csms/function-templates',
                          { query: { secret_type: 'RDS-FG', secret_sub_type: 'SingleUser', engine: 'mysql' } }), 200,
               'template');
  expectStatus(await call('GET', '/v1/csms/function-templates', { query: { secret_type: 'RDS-FG' } }), 400,
               'template without a sub-type');

  // Notification records and delivery: the webhook receives the notifications of the changes above.
  const records = await eventually('a SUCCESS record', async () => {
    const r = await call('GET', '/v1/{project_id}/csms/notification-records', { query: { event_name: eventName } });
    return r.status === 200 && r.body.records.some((x) => x.notification_status === 'SUCCESS') ? r.body.records : null;
  });
  await call('GET', '/v1/{project_id}/csms/notification-records', { query: { notification_status: 'PENDING' } });
  expectStatus(await call('GET', '/v1/{project_id}/csms/notification-records', { query: { notification_status: 'DONE' } }),
               400, 'bad record status');
  const r = { params: { record_id: records[0].record_id } };
  expectStatus(await call('GET', '/v1/{project_id}/csms/notification-records/{record_id}', r), 200, 'record');
  expectStatus(await call('POST', '/v1/{project_id}/csms/notification-records/{record_id}/redeliver', r), 200, 'redeliver');
  await eventually('the redelivered record to finish', async () => {
    const d = await call('GET', '/v1/{project_id}/csms/notification-records/{record_id}', r);
    return d.status === 200 && d.body.record.notification_status !== 'PENDING';
  });
  expectStatus(await call('GET', '/v1/{project_id}/csms/notification-records/{record_id}',
                          { params: { record_id: '00000000-0000-4000-8000-000000000000' } }), 404, 'missing record');
  expectStatus(await call('POST', '/v1/{project_id}/csms/notification-records/redrive', { query: { limit: '5' } }), 200,
               'redrive');

  // Scheduled deletion, restore, deletion, restore from the blob.
  expectStatus(await call('POST', '/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/create',
                          { ...s, body: { recovery_window_in_days: 7 } }), 200, 'schedule deletion');
  expectStatus(await call('POST', '/v1/{project_id}/secrets/{secret_name}/scheduled-deleted-tasks/cancel', s), 200,
               'cancel deletion');
  expectStatus(await call('DELETE', '/v1/{project_id}/csms/events/{event_name}', { params: { event_name: eventName } }), 409,
               'delete a subscribed event');
  expectStatus(await call('DELETE', '/v1/{project_id}/secrets/{secret_name}', s), 200, 'delete secret');
  expectStatus(await call('POST', '/v1/{project_id}/secrets/restore', { body: { secret_blob: blob } }), 200, 'restore');
  expectStatus(await call('PUT', '/v1/{project_id}/secrets/{secret_name}', { ...s, body: { event_subscriptions: [] } }), 200,
               'unsubscribe');
  expectStatus(await call('DELETE', '/v1/{project_id}/csms/events/{event_name}', { params: { event_name: eventName } }), 204,
               'delete event');

  // --dev helpers.
  expectStatus(await call('GET', '/csms-dev/clock'), 200, 'clock');
  expectStatus(await call('POST', '/csms-dev/clock', { body: { advance_ms: 1000 } }), 200, 'advance clock');
  expectStatus(await call('POST', '/csms-dev/clock', { body: {} }), 400, 'clock without a field');
  expectStatus(await call('POST', '/csms-dev/scheduler/tick'), 200, 'tick');
  expectStatus(await call('GET', '/csms-dev/writer'), 200, 'writer');
  expectStatus(await call('POST', '/csms-dev/writer/hold'), 200, 'hold');
  expectStatus(await call('POST', '/csms-dev/writer/release'), 200, 'release');
  expectStatus(await call('POST', '/csms-dev/db-instances',
                          { body: { project_id: projectId, instance_id: 'contract-db', engine: 'mysql', host: '127.0.0.1',
                                    port: 3306 } }), 200, 'db instance');

  // Last: the caller's own password (revokes its tokens).
  expectStatus(await call('POST', '/v1/csms/users/change-password', { body: { old_password: 'wrong', password: 'N3w-Passw0rd!' } }),
               400, 'wrong old password');
  expectStatus(await call('POST', '/v1/csms/users/change-password', { body: { old_password: password, password: 'N3w-Passw0rd!' } }),
               200, 'change password');
  expectStatus(await call('GET', '/v1/{project_id}/secrets'), 401, 'revoked token');
}

let failed = false;
try {
  await scenario();
} catch (e) {
  console.error(`openapi_validate: the scenario failed: ${e.stack}`);
  failed = true;
} finally {
  receiver.close();
}
const operations = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.keys(item).filter((m) => ['get', 'put', 'post', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p}`));
const missed = operations.filter((o) => !exercised.has(o));
console.log(`openapi_validate: ${exercised.size} of ${operations.length} documented operations exercised` +
            (missed.length ? `; not exercised: ${missed.join(', ')}` : ''));
if (mismatches.length) {
  console.error(`openapi_validate: ${mismatches.length} response(s) do not match docs/openapi.yaml:`);
  for (const m of mismatches) console.error(`  ${m}`);
  failed = true;
}
if (failed) process.exit(1);
console.log('openapi_validate: every response matches the document');
