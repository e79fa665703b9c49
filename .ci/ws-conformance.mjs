// Checks the server's websocket against the graphql-ws reference client (graphql-transport-ws):
// a refused token surfaces as one error, closed with 4403, and no reconnect; a valid token
// gets its first KPIs. Usage: node ws-conformance.mjs WS_URL VALID_TOKEN
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token] = process.argv.slice(2);
const query = 'subscription { kpisUpdated { totalCustomers { count } } }';

// subscribe runs one subscription with authorization for up to ms and tells what happened.
function subscribe(authorization, ms) {
  return new Promise((resolve) => {
    const seen = { connecting: 0, errors: 0, closes: [], data: 0 };
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { Authorization: authorization },
      on: {
        connecting: () => seen.connecting++,
        closed: (event) => seen.closes.push(event.code),
      },
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      client.dispose();
      resolve(seen);
    };
    client.subscribe({ query }, {
      next: () => { seen.data++; finish(); },
      error: () => { seen.errors++; },
      complete: () => {},
    });
    setTimeout(finish, ms);
  });
}

const checks = [];
const refused = await subscribe('Bearer not-a-token', 3000);
checks.push([
  `refused token: ${refused.connecting} connection(s), ${refused.errors} error(s), ${refused.closes.length} close(s) with codes [${[...new Set(refused.closes)]}]`,
  refused.connecting === 1 && refused.errors === 1 && refused.closes.length === 1 && refused.closes[0] === 4403,
]);
const accepted = await subscribe(`Bearer ${token}`, 10000);
checks.push([
  `valid token: ${accepted.data} result(s), ${accepted.errors} error(s)`,
  accepted.data === 1 && accepted.errors === 0,
]);
let failed = 0;
for (const [what, ok] of checks) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
}
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
