'use strict';
// Tags (spec §1.8) and backup/restore (§1.9) through the official SDK core: the eight operations
// CreateSecretTag, DeleteSecretTag, BatchCreateOrDeleteTags, ListSecretTags,
// ListProjectSecretsTags, ListResourceInstances, DownloadSecretBlob and UploadSecretBlob.
module.exports = async ({ mode, client, call, check, expectError }) => {
  const name = `${mode}-tagged`;
  const key = `${mode}-env`;
  const created = await call(client, 'POST', '/v1/{project_id}/secrets', { data: { name, secret_string: 'tag me' } });
  check(created.httpStatusCode === 200 && created.secret, `${mode}: create ${name}`, created);
  const id = created.secret.id;
  const tags = `/v1/{project_id}/csms/${id}/tags`;

  const one = await call(client, 'POST', tags, { data: { tag: { key, value: 'prod' } } });
  check(one.httpStatusCode === 204, `${mode}: CreateSecretTag`, one.httpStatusCode);
  const batch = await call(client, 'POST', `${tags}/action`, {
    data: { action: 'create', tags: [{ key: 'team', value: 'a' }, { key: 'Zuständig', value: 'Jörg' }] },
  });
  check(batch.httpStatusCode === 204, `${mode}: BatchCreateOrDeleteTags create`, batch.httpStatusCode);
  let listed = await call(client, 'GET', tags);
  check(listed.httpStatusCode === 200 && Array.isArray(listed.tags) && listed.tags.length === 3 &&
    Array.isArray(listed.sys_tags), `${mode}: ListSecretTags`, listed);
  const removed = await call(client, 'DELETE', `${tags}/team`);
  check(removed.httpStatusCode === 204, `${mode}: DeleteSecretTag`, removed.httpStatusCode);
  const batchDelete = await call(client, 'POST', `${tags}/action`,
    { data: { action: 'delete', tags: [{ key: 'Zuständig', value: 'Jörg' }] } });
  check(batchDelete.httpStatusCode === 204, `${mode}: BatchCreateOrDeleteTags delete`, batchDelete.httpStatusCode);
  listed = await call(client, 'GET', tags);
  check(listed.tags && listed.tags.length === 1 && listed.tags[0].key === key && listed.tags[0].value === 'prod',
    `${mode}: tags after deletes`, listed);

  const project = await call(client, 'GET', '/v1/{project_id}/csms/tags');
  const mine = (project.tags || []).find((t) => t.key === key);
  check(project.httpStatusCode === 200 && mine && JSON.stringify(mine.values) === '["prod"]',
    `${mode}: ListProjectSecretsTags`, project);

  const filter = await call(client, 'POST', '/v1/{project_id}/csms/resource_instances/action', {
    data: { action: 'filter', limit: '10', offset: '0', tags: [{ key, values: ['prod', 'other'] }],
      matches: [{ key: 'resource_name', value: 'tagged' }] },
  });
  check(filter.httpStatusCode === 200 && filter.total_count === 1 && filter.resources.length === 1 &&
    filter.resources[0].resource_id === id && filter.resources[0].resource_detail.name === name,
  `${mode}: ListResourceInstances filter`, filter);
  const count = await call(client, 'POST', '/v1/{project_id}/csms/resource_instances/action',
    { data: { action: 'count', tags: [{ key, values: [] }] } });
  check(count.httpStatusCode === 200 && count.total_count === 1, `${mode}: ListResourceInstances count`, count);

  const backup = await call(client, 'POST', `/v1/{project_id}/secrets/${name}/backup`);
  check(backup.httpStatusCode === 200 && typeof backup.secret_blob === 'string', `${mode}: DownloadSecretBlob`,
    backup.httpStatusCode);
  await expectError(`${mode}: restore over an existing name`, call(client, 'POST', '/v1/{project_id}/secrets/restore',
    { data: { secret_blob: backup.secret_blob } }), 409, 'CSMS.0801');
  await call(client, 'DELETE', `/v1/{project_id}/secrets/${name}`);
  const restored = await call(client, 'POST', '/v1/{project_id}/secrets/restore',
    { data: { secret_blob: backup.secret_blob } });
  check(restored.httpStatusCode === 200 && restored.secret && restored.secret.id === id &&
    restored.secret.create_time === created.secret.create_time, `${mode}: UploadSecretBlob`, restored);
  listed = await call(client, 'GET', tags);
  check(listed.tags && listed.tags.length === 1 && listed.tags[0].key === key, `${mode}: tags restored`, listed);
  const value = await call(client, 'GET', `/v1/{project_id}/secrets/${name}/versions/latest`);
  check(value.version && value.version.secret_string === 'tag me', `${mode}: value restored`, value.httpStatusCode);

  await expectError(`${mode}: tampered blob`, call(client, 'POST', '/v1/{project_id}/secrets/restore',
    { data: { secret_blob: `${backup.secret_blob.slice(0, -10)}AAAAAAAAAA` } }), 400, 'CSMS.0002');
  await expectError(`${mode}: 21st tag`, call(client, 'POST', `${tags}/action`, {
    data: { action: 'create', tags: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: 'v' })) },
  }), 400, 'CSMS.0205');
  await expectError(`${mode}: unknown secret id`, call(client, 'GET',
    '/v1/{project_id}/csms/00000000-0000-4000-8000-000000000000/tags'), 404, 'CSMS.0106');
  await call(client, 'DELETE', `/v1/{project_id}/secrets/${name}`);
};
