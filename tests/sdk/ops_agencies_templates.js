// ShowAgency, CreateAgency and ShowSecretFunctionTemplates through the official SDK core, in both
// auth modes. Their paths have no {project_id}: the SDK sends the project in X-Project-Id (AK/SK)
// or the token carries it; agencies belong to the caller's domain, which both modes share, so
// nothing here assumes which mode ran first.
module.exports = async (ctx) => {
  const { mode, client, call, check, expectError } = ctx;

  const shown = await call(client, 'GET', '/v1/csms/agencies', { query: { secret_type: 'GaussDB-FG' } });
  check(shown.httpStatusCode === 200 && (shown.agency_granted === 'true' || shown.agency_granted === 'false'),
    `${mode}: ShowAgency answers agency_granted as a string`, shown);

  const created = await call(client, 'POST', '/v1/csms/agencies', { data: { secret_type: 'GaussDB-FG' } });
  check(created.httpStatusCode === 200 && Array.isArray(created.agencies) && created.agencies.length === 1,
    `${mode}: CreateAgency answers one agency`, created);
  check(created.agencies && created.agencies[0].agency_name === 'csms_gaussdb_fg_agency' &&
    /^[0-9a-f]{32}$/.test(created.agencies[0].agency_id || ''), `${mode}: CreateAgency's name and id`, created);
  const after = await call(client, 'GET', '/v1/csms/agencies', { query: { secret_type: 'GaussDB-FG' } });
  check(after.agency_granted === 'true', `${mode}: ShowAgency after CreateAgency`, after);
  await expectError(`${mode}: ShowAgency without secret_type`, call(client, 'GET', '/v1/csms/agencies'), 400, 'CSMS.0002');
  await expectError(`${mode}: CreateAgency for COMMON`,
    call(client, 'POST', '/v1/csms/agencies', { data: { secret_type: 'COMMON' } }), 400, 'CSMS.0002');

  // An RDS-FG secret names a registered database instance: an unknown InstanceId is refused
  // (tests/db rotate real ones).
  const name = `sdk-rds-${mode}`;
  await expectError(`${mode}: an RDS-FG secret with an unknown InstanceId`, call(client, 'POST', '/v1/{project_id}/secrets', {
    data: { name, secret_string: 'pw', secret_type: 'RDS-FG', rotation_config: '{"InstanceId":"i","SecretSubType":"SingleUser"}' },
  }), 400, 'CSMS.0002');

  const t = await call(client, 'GET', '/v1/csms/function-templates',
    { query: { secret_type: 'RDS-FG', secret_sub_type: 'SingleUser', engine: 'sqlserver' } });
  check(t.httpStatusCode === 200 && typeof t.function_templates === 'string' &&
    t.function_templates.includes('"engine": "sqlserver"') && t.function_templates.startsWith('#!/usr/bin/env python3'),
  `${mode}: ShowSecretFunctionTemplates answers the template`, t.httpStatusCode);
  await expectError(`${mode}: templates of RDS-FG without engine`, call(client, 'GET', '/v1/csms/function-templates',
    { query: { secret_type: 'RDS-FG', secret_sub_type: 'SingleUser' } }), 400, 'CSMS.0002');
};
