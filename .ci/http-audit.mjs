// Runs the GraphQL over HTTP audit suite (graphql-http's auditServer) against the server and
// fails on any audit that errors or warns; notices (MAY) are printed. Usage: node
// http-audit.mjs HTTP_URL
import { auditServer } from 'graphql-http';

const [url] = process.argv.slice(2);
const results = await auditServer({ url, fetchFn: fetch });
let failed = 0;
for (const r of results) {
  if (r.status === 'ok') continue;
  if (r.status !== 'notice') failed++;
  console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${r.reason}`);
}
console.log(`GraphQL over HTTP audit: ${results.length - failed} of ${results.length} without error or warning`);
process.exit(failed ? 1 : 0);
