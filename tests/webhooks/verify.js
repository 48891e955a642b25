// Verifies webhook requests that csmsd delivered, with the stock Standard Webhooks library, the way
// a receiver would. Input (stdin): a JSON array of {"secret": "whsec_...", "headers": {...},
// "body": "..."}; `expect_fail: true` marks an item that must NOT verify. Prints "verified N" and
// exits 0 when every item behaves as expected; exits 1 naming the first that does not.
const { Webhook } = require('standardwebhooks');

const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
let n = 0;
items.forEach((item, i) => {
  let ok = true;
  try {
    new Webhook(item.secret).verify(item.body, item.headers);
  } catch (e) {
    ok = false;
    if (!item.expect_fail) {
      console.error(`item ${i}: ${e.message}`);
      process.exit(1);
    }
  }
  if (ok && item.expect_fail) {
    console.error(`item ${i}: verified although it must not`);
    process.exit(1);
  }
  n++;
});
console.log(`verified ${n}`);
