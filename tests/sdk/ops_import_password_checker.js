// BatchImportSecrets, GenerateRandomPassword, CheckSecrets, ShowSecretsConfig and
// UpdateSecretsConfig through the official SDK client, in both auth modes (names differ per mode;
// the strength flag is restored to off whatever happens, since both modes share one project).
module.exports = async (ctx) => {
  const { mode, client, call, check, expectError } = ctx;
  const p = `${mode}-imp`;
  const strong = 'x7#Kp2@mNq9$Lr4&Vt8*';

  // BatchImportSecrets: one good, one duplicate inside the batch, one invalid.
  const imported = await call(client, 'POST', '/v1/{project_id}/secrets/batch-import', {
    data: {
      secrets: [
        { name: `${p}-a`, secret_string: 'value-a' },
        { name: `${p}-a`, secret_string: 'value-again' },
        { name: `${p} bad`, secret_string: 'v' },
      ],
    },
  });
  check(imported.httpStatusCode === 200, `${mode}: batch import status`, imported.httpStatusCode);
  check(imported.total === 3 && imported.success === 1 && imported.failed === 2, `${mode}: batch import counts`, imported);
  check(Array.isArray(imported.error_list) && imported.error_list.length === 2 &&
        imported.error_list.every((e) => typeof e.name === 'string' && typeof e.error_msg === 'string'),
  `${mode}: batch import error_list`, imported.error_list);
  const shown = await call(client, 'GET', `/v1/{project_id}/secrets/${p}-a/versions/latest`);
  check(shown.version && shown.version.secret_string === 'value-a', `${mode}: imported value`, shown.version);
  await expectError(`${mode}: empty import`, call(client, 'POST', '/v1/{project_id}/secrets/batch-import',
    { data: { secrets: [] } }), 400, 'CSMS.0002');

  // GenerateRandomPassword.
  const pw = await call(client, 'POST', '/v1/{project_id}/csms/generate-password', {
    data: { length: 20, exclude_punctuation: true, require_each_included_type: true },
  });
  check(pw.httpStatusCode === 200 && typeof pw.password === 'string' && /^[A-Za-z0-9]{20}$/.test(pw.password) &&
        /[a-z]/.test(pw.password) && /[A-Z]/.test(pw.password) && /[0-9]/.test(pw.password),
  `${mode}: generate-password`, pw.password);
  await expectError(`${mode}: impossible password policy`, call(client, 'POST', '/v1/{project_id}/csms/generate-password', {
    data: { exclude_lowercase: true, exclude_uppercase: true, exclude_numbers: true, exclude_punctuation: true },
  }), 400, 'CSMS.0002');

  // CheckSecrets.
  const weak = await call(client, 'POST', '/v1/{project_id}/secrets/checker/check',
    { data: { type: 'password', data: { secret_string: 'password' } } });
  check(weak.httpStatusCode === 200 && weak.type === 'password' && weak.data && weak.data.weak === true &&
        weak.data.score < 3 && Array.isArray(weak.data.reasons), `${mode}: check weak`, weak.data);
  const good = await call(client, 'POST', '/v1/{project_id}/secrets/checker/check',
    { data: { type: 'password', data: { secret_string: strong } } });
  check(good.data && good.data.weak === false && good.data.score === 4, `${mode}: check strong`, good.data);
  await expectError(`${mode}: check without data`, call(client, 'POST', '/v1/{project_id}/secrets/checker/check',
    { data: { type: 'password' } }), 400, 'CSMS.0002');

  // ShowSecretsConfig / UpdateSecretsConfig, and what the flag does to a create.
  const before = await call(client, 'GET', '/v1/{project_id}/secrets/checker/config');
  check(before.httpStatusCode === 200 && before.checking_secret_strength === false, `${mode}: config default`, before);
  try {
    const on = await call(client, 'POST', '/v1/{project_id}/secrets/checker/config',
      { data: { checking_secret_strength: true } });
    check(on.checking_secret_strength === true, `${mode}: config on`, on);
    const shownOn = await call(client, 'GET', '/v1/{project_id}/secrets/checker/config');
    check(shownOn.checking_secret_strength === true, `${mode}: config shown on`, shownOn);
    await expectError(`${mode}: weak value refused`, call(client, 'POST', '/v1/{project_id}/secrets',
      { data: { name: `${p}-weak`, secret_string: 'password' } }), 400, 'CSMS.0002');
    const ok = await call(client, 'POST', '/v1/{project_id}/secrets', { data: { name: `${p}-strong`, secret_string: strong } });
    check(ok.httpStatusCode === 200, `${mode}: strong value accepted`, ok.httpStatusCode);
  } finally {
    const off = await call(client, 'POST', '/v1/{project_id}/secrets/checker/config',
      { data: { checking_secret_strength: false } });
    check(off.checking_secret_strength === false, `${mode}: config off`, off);
  }
  for (const name of [`${p}-a`, `${p}-strong`]) {
    await call(client, 'DELETE', `/v1/{project_id}/secrets/${name}`);
  }
};
