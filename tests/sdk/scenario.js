'use strict';
// SDK compatibility scenario: the official Huawei Cloud Node.js SDK core
// (@huaweicloud/huaweicloud-sdk-core) talks to a real csmsd, once with AK/SK signing and once
// with X-Auth-Token, and every status code, body and error detail it surfaces is checked.
//
// Environment (run.sh sets it): CSMS_ENDPOINT (http://127.0.0.1:<port>), CSMS_PROJECT_ID,
// CSMS_PROJECT_NAME, CSMS_AK, CSMS_SK, CSMS_DOMAIN, CSMS_USER, CSMS_PASSWORD.
//
// Both halves always run: the events API and the secrets/versions API (a 404 from either fails).

const { BasicCredentials, Region } = require('@huaweicloud/huaweicloud-sdk-core');
const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');

// The SDK logs every non-2xx response (with the signed request) through log4js at ERROR level
// on stdout; the error paths below are expected, so silence it.
require('log4js').configure({
  appenders: { out: { type: 'stdout' } },
  categories: { default: { appenders: ['out'], level: 'off' } },
});

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`missing environment variable ${name}`);
  return v;
};
const ENDPOINT = env('CSMS_ENDPOINT');
const PROJECT = env('CSMS_PROJECT_ID');
const PROJECT_NAME = env('CSMS_PROJECT_NAME');
const AK = env('CSMS_AK');
const SK = env('CSMS_SK');
const DOMAIN = env('CSMS_DOMAIN');
const USER = env('CSMS_USER');
const PASSWORD = env('CSMS_PASSWORD');
const OTHER_PROJECT = 'ffffffffffffffffffffffffffffffff';

let passed = 0;
let failed = 0;
function check(cond, what, detail) {
  if (cond) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL: ${what}${detail === undefined ? '' : ` (${typeof detail === 'string' ? detail : JSON.stringify(detail)})`}`);
  }
}

// No credential type for tokens exists in the SDK (signing §9, docs/reference.md): this one fills {project_id},
// sends X-Project-Id and X-Auth-Token, and signs nothing.
class TokenCredential {
  constructor(token, projectId) {
    this.token = token;
    this.projectId = projectId;
  }
  getAk() { return undefined; }
  getSk() { return undefined; }
  async processAuthParams() { return this; }
  async processAuthRequest(hcClient, httpRequest) {
    httpRequest.url = httpRequest.url.replace('{project_id}', encodeURIComponent(this.projectId));
    httpRequest.headers = Object.assign({}, httpRequest.headers, {
      'X-Project-Id': this.projectId,
      'X-Auth-Token': this.token,
    });
    return httpRequest;
  }
}

function build(credential, region) {
  const builder = new ClientBuilder((hcClient) => hcClient)
    .withCredential(credential)
    // customUserAgent: the default one writes $HOME/.huaweicloud/application_id.
    .withOptions({ customUserAgent: 'csms-sdk-compat' });
  if (region) builder.withRegion(region);
  else builder.withEndpoint(ENDPOINT);
  return builder.build();
}

function akskCredential(ak, sk, projectId) {
  const c = new BasicCredentials().withAk(ak).withSk(sk);
  return projectId ? c.withProjectId(projectId) : c;
}

function call(client, method, url, { query, data, headers, responseHeaders } = {}) {
  const options = {
    method,
    url,
    contentType: 'application/json',
    queryParams: query || {},
    pathParams: {},
    headers: headers || {},
  };
  if (data !== undefined) options.data = data;
  if (responseHeaders) options.responseHeaders = responseHeaders;
  return client.sendRequest(options);
}

// Runs a call that must fail; checks the SDK surfaces status, code, message and request id.
async function expectError(what, promise, status, code) {
  try {
    const res = await promise;
    check(false, `${what}: expected HTTP ${status} ${code}`, res);
    return undefined;
  } catch (e) {
    check(e.httpStatusCode === status, `${what}: status ${status}`, `${e.httpStatusCode} ${e.errorCode} ${e.errorMsg}`);
    check(e.errorCode === code, `${what}: error code ${code}`, `${e.errorCode} ${e.errorMsg}`);
    check(typeof e.errorMsg === 'string' && e.errorMsg.length >= 2, `${what}: error message`, e.errorMsg);
    check(/^[0-9a-f]{32}$/.test(e.requestId || ''), `${what}: request id`, e.requestId);
    const expectedClass = status < 500 ? 'ClientRequestException' : 'ServerResponseException';
    check(e.constructor && e.constructor.name === expectedClass, `${what}: ${expectedClass}`, e.constructor && e.constructor.name);
    return e;
  }
}

function eventBody(name, state = 'ENABLED') {
  return {
    name,
    event_types: ['SECRET_VERSION_CREATED', 'SECRET_DELETED'],
    state,
    notification: { target_type: 'SMN', target_id: `urn:smn:dev:${PROJECT}:${name}`, target_name: name },
  };
}

async function eventsPart(mode, client, badClient, badCode, otherProjectClient) {
  const p = `${mode}-ev`;
  const names = [1, 2, 3, 4, 5].map((i) => `${p}-${i}`);

  // Create.
  for (const name of names) {
    const res = await call(client, 'POST', '/v1/{project_id}/csms/events', { data: eventBody(name) });
    check(res.httpStatusCode === 200, `${mode}: create ${name} status`, res.httpStatusCode);
    check(res.event && res.event.name === name && res.event.state === 'ENABLED', `${mode}: create ${name} body`, res);
    check(res.event && /^[0-9a-f-]{36}$/.test(res.event.event_id || ''), `${mode}: event_id is a UUID`, res.event);
    check(res.event && Number.isInteger(res.event.create_time) && res.event.create_time > 1e12,
      `${mode}: create_time in ms`, res.event);
  }

  // Page through with limit 2: marker = next_marker until an empty page.
  const seen = [];
  let marker;
  for (let page = 0; page < 20; page++) {
    const query = { limit: 2 };
    if (marker) query.marker = marker;
    const res = await call(client, 'GET', '/v1/{project_id}/csms/events', { query });
    check(res.httpStatusCode === 200, `${mode}: list page ${page}`, res.httpStatusCode);
    check(Array.isArray(res.events), `${mode}: events array on page ${page}`, res);
    if (!Array.isArray(res.events) || res.events.length === 0) break;
    check(res.page_info && res.page_info.current_count === res.events.length, `${mode}: page_info.current_count`, res.page_info);
    seen.push(...res.events.map((e) => e.name));
    marker = res.page_info && res.page_info.next_marker;
    if (!marker) break;
  }
  const ours = seen.filter((n) => n.startsWith(`${p}-`));
  check(JSON.stringify(ours) === JSON.stringify(names), `${mode}: paging returns every event once, in order`, seen);

  // Show, update, delete, with the request id of a success.
  const shown = await call(client, 'GET', '/v1/{project_id}/csms/events/{event_name}'.replace('{event_name}', names[0]),
    { responseHeaders: ['X-Request-Id'] });
  check(shown.httpStatusCode === 200 && shown.event.name === names[0], `${mode}: show`, shown);
  check(/^[0-9a-f]{32}$/.test(shown['X-Request-Id'] || ''), `${mode}: X-Request-Id on success`, shown['X-Request-Id']);
  const updated = await call(client, 'PUT', `/v1/{project_id}/csms/events/${names[1]}`, { data: { state: 'DISABLED' } });
  check(updated.httpStatusCode === 200 && updated.event.state === 'DISABLED', `${mode}: update state`, updated);
  check(updated.event && updated.event.event_types.length === 2, `${mode}: update keeps event_types`, updated);
  const deleted = await call(client, 'DELETE', `/v1/{project_id}/csms/events/${names[4]}`);
  check(deleted.httpStatusCode === 204, `${mode}: delete`, deleted);

  // Error paths.
  await expectError(`${mode}: show deleted event`, call(client, 'GET', `/v1/{project_id}/csms/events/${names[4]}`),
    404, 'CSMS.0005');
  await expectError(`${mode}: duplicate name`, call(client, 'POST', '/v1/{project_id}/csms/events',
    { data: eventBody(names[0]) }), 409, 'CSMS.0601');
  await expectError(`${mode}: invalid name`, call(client, 'POST', '/v1/{project_id}/csms/events',
    { data: eventBody('bad name!') }), 400, 'CSMS.0002');
  await expectError(`${mode}: missing field`, call(client, 'POST', '/v1/{project_id}/csms/events',
    { data: { name: `${p}-x`, state: 'ENABLED' } }), 400, 'CSMS.0002');
  await expectError(`${mode}: unknown event type`, call(client, 'PUT', `/v1/{project_id}/csms/events/${names[0]}`,
    { data: { event_types: ['SECRET_EXPLODED'] } }), 400, 'CSMS.0002');
  await expectError(`${mode}: limit 0`, call(client, 'GET', '/v1/{project_id}/csms/events', { query: { limit: 0 } }),
    400, 'CSMS.0002');
  await expectError(`${mode}: method not allowed`, call(client, 'PATCH', '/v1/{project_id}/csms/events'), 405, 'CSMS.0003');
  await expectError(`${mode}: bad credentials`, call(badClient, 'GET', '/v1/{project_id}/csms/events'), 401, badCode);
  await expectError(`${mode}: another project`, call(otherProjectClient, 'GET', '/v1/{project_id}/csms/events'),
    403, 'CSMS.0302');

  // Notification records: the list API answers with its documented shape.
  const records = await call(client, 'GET', '/v1/{project_id}/csms/notification-records');
  check(records.httpStatusCode === 200 && Array.isArray(records.records), `${mode}: list notification records`, records);
  check(records.page_info && Number.isInteger(records.page_info.current_count), `${mode}: records page_info`, records);
  return names;
}

async function recordsFor(client, secretName) {
  const found = [];
  for (const status of [undefined, 'PENDING']) {
    const query = { secret_name: secretName };
    if (status) query.notification_status = status;
    const res = await call(client, 'GET', '/v1/{project_id}/csms/notification-records', { query });
    found.push(...(res.records || []));
  }
  return found;
}

async function secretsPart(mode, client, eventNames) {
  const name = `${mode}-secret-1`;
  const event = eventNames[0];  // ENABLED, types SECRET_VERSION_CREATED and SECRET_DELETED
  const created = await call(client, 'POST', '/v1/{project_id}/secrets', {
    data: { name, secret_string: 'first value', description: 'sdk scenario', event_subscriptions: [event] },
  });
  check(created.httpStatusCode === 200 && created.secret && created.secret.name === name, `${mode}: create secret`, created);
  check(created.secret && JSON.stringify(created.secret.event_subscriptions) === JSON.stringify([event]),
    `${mode}: secret subscribed to ${event}`, created.secret);
  check(created.secret && created.secret.secret_string === undefined, `${mode}: create returns no value`, created.secret);

  const version = await call(client, 'POST', `/v1/{project_id}/secrets/${name}/versions`, {
    data: { secret_string: 'second value' },
  });
  check(version.httpStatusCode === 200 && version.version_metadata && version.version_metadata.id === 'v2',
    `${mode}: create version v2`, version);
  check(version.version_metadata && Array.isArray(version.version_metadata.version_stages) &&
    version.version_metadata.version_stages.includes('SYSCURRENT'), `${mode}: v2 is SYSCURRENT`, version);

  const versions = await call(client, 'GET', `/v1/{project_id}/secrets/${name}/versions`);
  check(versions.httpStatusCode === 200 && Array.isArray(versions.version_metadatas) &&
    versions.version_metadatas.length === 2, `${mode}: list versions`, versions);
  const latest = await call(client, 'GET', `/v1/{project_id}/secrets/${name}/versions/latest`);
  check(latest.httpStatusCode === 200 && latest.version && latest.version.secret_string === 'second value',
    `${mode}: show latest version value`, latest.version && latest.version.version_metadata);
  const listed = await call(client, 'GET', '/v1/{project_id}/secrets', { query: { event_name: event } });
  check(listed.httpStatusCode === 200 && Array.isArray(listed.secrets) &&
    listed.secrets.some((s) => s.name === name), `${mode}: list secrets by event_name`, listed);

  // The subscribed, ENABLED event fired SECRET_VERSION_CREATED (v1 and v2): records show it.
  let records = [];
  for (let i = 0; i < 50; i++) {
    records = await recordsFor(client, name);
    if (records.filter((r) => r.trigger_event_type === 'SECRET_VERSION_CREATED').length >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const created_records = records.filter((r) => r.trigger_event_type === 'SECRET_VERSION_CREATED');
  check(created_records.length >= 2, `${mode}: notification records for the new versions`, records);
  check(created_records.every((r) => r.event_name === event && r.secret_name === name), `${mode}: record fields`, created_records);
  check(created_records.every((r) => !String(r.notification_content).includes('second value')),
    `${mode}: notification content never carries the value`);

  // Error paths of the secrets API.
  await expectError(`${mode}: duplicate secret`, call(client, 'POST', '/v1/{project_id}/secrets',
    { data: { name, secret_string: 'x' } }), 409, 'CSMS.0801');
  await expectError(`${mode}: both value kinds`, call(client, 'POST', '/v1/{project_id}/secrets',
    { data: { name: `${mode}-secret-2`, secret_string: 'x', secret_binary: 'eA==' } }), 400, 'CSMS.0002');
  await expectError(`${mode}: event in use`, call(client, 'DELETE', `/v1/{project_id}/csms/events/${event}`),
    409, 'CSMS.0603');
  await expectError(`${mode}: unknown secret`, call(client, 'GET', `/v1/{project_id}/secrets/${mode}-nope`), 404, 'CSMS.0106');

  const deleted = await call(client, 'DELETE', `/v1/{project_id}/secrets/${name}`);
  check(deleted.httpStatusCode === 200 || deleted.httpStatusCode === 204, `${mode}: delete secret`, deleted);
}

async function runMode(mode, client, badClient, badCode, otherProjectClient) {
  console.log(`-- ${mode}`);
  const events = await eventsPart(mode, client, badClient, badCode, otherProjectClient);
  await secretsPart(mode, client, events);
  // One file per API area (ops_<area>.js), each exporting async (ctx) => {...}: the newer
  // operations of CsmsClient, called through the same SDK client in both modes.
  const ctx = { mode, client, badClient, badCode, otherProjectClient, call, check, expectError, build, TokenCredential, PROJECT, DOMAIN, USER, PASSWORD };
  for (const file of require('fs').readdirSync(__dirname).filter((f) => /^ops_[a-z0-9_]+\.js$/.test(f)).sort()) {
    console.log(`-- ${mode}: ${file}`);
    await require(`./${file}`)(ctx);
  }
}

async function main() {
  // AK/SK mode.
  const aksk = build(akskCredential(AK, SK, PROJECT));
  await runMode('aksk', aksk, build(akskCredential(AK, 'wrong-secret-key', PROJECT)), 'CSMS.0304',
    build(akskCredential(AK, SK, OTHER_PROJECT)));

  // The SDK's own project lookup: no project id, a region: GET /v3/projects?name=<region>,
  // signed, body {}, sent to the IAM endpoint (csmsd itself).
  const lookup = build(akskCredential(AK, SK).withIamEndpoint(ENDPOINT), new Region(PROJECT_NAME, ENDPOINT));
  const viaRegion = await call(lookup, 'GET', '/v1/{project_id}/csms/events', { query: { limit: 1 } });
  check(viaRegion.httpStatusCode === 200 && Array.isArray(viaRegion.events), 'aksk: project id resolved through /v3/projects',
    viaRegion);

  // Token mode: the token comes from POST /v3/auth/tokens, sent through an AK/SK client (so it is
  // signed too, as SDK users do; the body decides).
  const issued = await call(aksk, 'POST', '/v3/auth/tokens', {
    query: { nocatalog: 'true' },
    data: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: USER, password: PASSWORD, domain: { name: DOMAIN } } } },
        scope: { project: { id: PROJECT } },
      },
    },
    responseHeaders: ['X-Subject-Token', 'X-Request-Id'],
  });
  check(issued.httpStatusCode === 201, 'token: issued with 201', issued.httpStatusCode);
  check(issued.token && issued.token.project && issued.token.project.id === PROJECT, 'token: project scope', issued.token);
  check(issued.token && typeof issued.token.expires_at === 'string', 'token: expires_at', issued.token);
  const token = issued['X-Subject-Token'];
  check(typeof token === 'string' && token.length >= 32, 'token: X-Subject-Token header', token);
  await expectError('token: wrong password', call(aksk, 'POST', '/v3/auth/tokens', {
    data: {
      auth: {
        identity: { methods: ['password'], password: { user: { name: USER, password: 'wrong', domain: { name: DOMAIN } } } },
        scope: { project: { id: PROJECT } },
      },
    },
  }), 401, 'CSMS.0305');

  await runMode('token', build(new TokenCredential(token, PROJECT)),
    build(new TokenCredential('CSMSv1.0000000000000000000000000000000000000000000000000000000000000000', PROJECT)),
    'CSMS.0301', build(new TokenCredential(token, OTHER_PROJECT)));
}

main()
  .catch((e) => {
    failed++;
    console.log(`FAIL: unexpected exception: ${e && e.stack ? e.stack : JSON.stringify(e)}`);
  })
  .finally(() => {
    console.log(`sdk: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  });
