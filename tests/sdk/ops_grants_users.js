'use strict';
// Grants and the users API through the official SDK core (issue 11): CreateGrants, ListGrants,
// UpdateGrant, DeleteGrant, ListUsers, ShowUserDetail, UpdateUserPassword.
//
// The grantee is the --dev read-only user `reader`, which this file also logs in as (its own
// client with X-Auth-Token). UpdateUserPassword changes reader's password, never the suite's
// admin: the password in force is kept across the two modes (this module is loaded once).

const READER = 'reader';
let readerPassword = 'reader';  // the --dev fixture's; changed below, once per mode

module.exports = async (ctx) => {
  const { mode, client, call, check, expectError, build, TokenCredential, PROJECT, DOMAIN } = ctx;
  const login = async (password) => {
    const issued = await call(client, 'POST', '/v3/auth/tokens', {
      data: {
        auth: {
          identity: { methods: ['password'], password: { user: { name: READER, password, domain: { name: DOMAIN } } } },
          scope: { project: { id: PROJECT } },
        },
      },
      responseHeaders: ['X-Subject-Token'],
    });
    return build(new TokenCredential(issued['X-Subject-Token'], PROJECT));
  };
  let reader = await login(readerPassword);

  // ListUsers / ShowUserDetail.
  const users = await call(client, 'GET', '/v1/csms/users', { query: { offset: 0, limit: 10, user_info: READER } });
  check(users.httpStatusCode === 200 && users.total === 1 && users.users[0].user_name === READER, `${mode}: ListUsers`, users);
  const readerId = users.users && users.users[0] && users.users[0].user_id;
  const detail = await call(client, 'GET', `/v1/csms/users/${readerId}`);
  check(detail.httpStatusCode === 200 && detail.user_id === readerId && typeof detail.domain_id === 'string',
    `${mode}: ShowUserDetail`, detail);
  await expectError(`${mode}: ListUsers limit 5`, call(client, 'GET', '/v1/csms/users', { query: { offset: 0, limit: 5 } }),
    400, 'CSMS.0002');
  await expectError(`${mode}: ShowUserDetail unknown`, call(client, 'GET', '/v1/csms/users/00000000000000000000000000000000'),
    404, 'CSMS.0005');

  // A secret readable by reader through a grant only.
  const name = `${mode}-granted`;
  const created = await call(client, 'POST', '/v1/{project_id}/secrets', { data: { name, secret_string: `${mode}-value` } });
  const secretId = created.secret && created.secret.id;
  const readPath = `/v1/{project_id}/secrets/${name}/versions/latest`;
  await expectError(`${mode}: reader without grant`, call(reader, 'GET', readPath), 403, 'CSMS.0303');

  const grant = { resource_id: secretId, type: 'SECRET', grantee_type: '0', grantee_target_id: readerId };
  const made = await call(client, 'POST', '/v1/{project_id}/csms/grants', { data: grant });
  check(made.httpStatusCode === 200 && made.data && made.data.resourceId === secretId && made.data.granteeUser === readerId,
    `${mode}: CreateGrants`, made);
  const value = await call(reader, 'GET', readPath);
  check(value.httpStatusCode === 200 && value.version && value.version.secret_string === `${mode}-value`,
    `${mode}: reader reads through the grant`, value);
  await expectError(`${mode}: CreateGrants twice`, call(client, 'POST', '/v1/{project_id}/csms/grants', { data: grant }),
    409, 'CSMS.0903');

  const listed = await call(client, 'GET', '/v1/{project_id}/csms/grants', { query: { resource_id: secretId } });
  check(listed.httpStatusCode === 200 && listed.data && listed.data.grantee_user.length === 1 &&
    listed.data.grantee_user[0].user_name === READER, `${mode}: ListGrants`, listed);

  const until = '2099-12-31 23:59:59';
  const updated = await call(client, 'PUT', '/v1/{project_id}/csms/grants', {
    query: { resource_id: secretId }, data: Object.assign({}, grant, { validity_time: until }),
  });
  check(updated.httpStatusCode === 200 && updated.data && updated.data.validityTime === 4102444799000,
    `${mode}: UpdateGrant`, updated);

  const removed = await call(client, 'DELETE', '/v1/{project_id}/csms/grants',
    { query: { resource_id: secretId, grantee_user: readerId } });
  check(removed.httpStatusCode === 204, `${mode}: DeleteGrant`, removed);
  await expectError(`${mode}: reader after DeleteGrant`, call(reader, 'GET', readPath), 403, 'CSMS.0303');
  await expectError(`${mode}: DeleteGrant again`, call(client, 'DELETE', '/v1/{project_id}/csms/grants',
    { query: { resource_id: secretId, grantee_user: readerId } }), 404, 'CSMS.0005');
  await call(client, 'DELETE', `/v1/{project_id}/secrets/${name}`);

  // UpdateUserPassword: reader's own password.
  await expectError(`${mode}: UpdateUserPassword wrong old`, call(reader, 'POST', '/v1/csms/users/change-password',
    { data: { old_password: 'wrong', password: 'Brand-New-Passw0rd' } }), 400, 'CSMS.0313');
  await expectError(`${mode}: UpdateUserPassword weak`, call(reader, 'POST', '/v1/csms/users/change-password',
    { data: { old_password: readerPassword, password: 'weak' } }), 400, 'CSMS.0314');
  const next = `Reader-${mode}-Passw0rd`;
  const changed = await call(reader, 'POST', '/v1/csms/users/change-password',
    { data: { old_password: readerPassword, password: next } });
  check(changed.httpStatusCode === 200 && changed.user_id === readerId, `${mode}: UpdateUserPassword`, changed);
  readerPassword = next;
  await expectError(`${mode}: reader's token revoked`, call(reader, 'GET', '/v1/csms/users', { query: { offset: 0, limit: 10 } }),
    401, 'CSMS.0301');
  reader = await login(readerPassword);
  const again = await call(reader, 'GET', '/v1/csms/users', { query: { offset: 0, limit: 10 } });
  check(again.httpStatusCode === 200, `${mode}: reader logs in with the new password`, again);
};
