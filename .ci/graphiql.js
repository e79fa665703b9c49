// Loads the GraphiQL page at URL in headless Chromium with every request off the server
// refused, runs `{ me { email } }` with TOKEN and checks the result shows EMAIL, then runs
// the live KPI subscription and checks a first result arrives. Fails on any page error,
// console error (a Content-Security-Policy violation is one) or request off the server.
// Usage: node graphiql.js URL TOKEN EMAIL USER_DATA_DIR [SCREENSHOT.png]
'use strict';
const { chromium } = require('playwright-core');

const [url, token, email, userDataDir, screenshot] = process.argv.slice(2);
const origin = new URL(url).origin;
const problems = [];

async function run(page, query, wanted) {
  const params = new URLSearchParams({ query, headers: JSON.stringify({ Authorization: 'Bearer ' + token }) });
  await page.goto(url + '?' + params, { waitUntil: 'load' });
  await page.click('button.graphiql-execute-button', { timeout: 15000 });
  await page.waitForFunction(
    (wanted) => (document.querySelector('.graphiql-response')?.textContent || '').includes(wanted),
    wanted, { timeout: 15000 });
}

(async () => {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + '/')) return route.continue();
      problems.push('request off the server: ' + u);
      return route.abort();
    });
    await run(page, '{ me { email } }', email);
    console.log('GraphiQL rendered and ran { me { email } }: ' + email);
    await run(page, 'subscription { kpisUpdated { totalCustomers { count } } }', '"count"');
    console.log('GraphiQL ran the live KPI subscription over the websocket');
    if (screenshot) await page.screenshot({ path: screenshot });
  } catch (e) {
    problems.push(e.message);
  } finally {
    await context.close();
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
})();
