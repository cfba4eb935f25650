// Live test of the generated TypeScript SDK (internal/gen/sdk/typescript) with
// openapi-fetch. Run by internal/impl/sdktest against a running server: LW_URL,
// LW_KEY (scopes ingest, read and admin) and LW_SERVICE (a service name no
// other test uses). Plain JavaScript so node runs it as is; `tsc -p .` checks
// it against the generated types first (JSDoc annotations, checkJs).
import createClient from "openapi-fetch";

/** @typedef {import("../../../gen/sdk/typescript/ingest.js").paths} IngestPaths */
/** @typedef {import("../../../gen/sdk/typescript/api.js").paths} APIPaths */
/** @typedef {import("../../../gen/sdk/typescript/ingest.js").components["schemas"]["LogEvent"]} LogEvent */

const DEADLINE_MS = 20_000;

/** @param {boolean} cond @param {string} what @returns {asserts cond} */
function expect(cond, what) {
  if (!cond) throw new Error(`typescript sdk: ${what}`);
}

const env = (/** @type {string} */ name) => {
  const v = process.env[name];
  expect(v !== undefined && v !== "", `${name} is not set`);
  return v;
};
const baseUrl = env("LW_URL");
const service = env("LW_SERVICE");
const headers = { Authorization: `Bearer ${env("LW_KEY")}` };

/** @type {import("openapi-fetch").Client<IngestPaths>} */
const ingest = createClient({ baseUrl, headers });
/** @type {import("openapi-fetch").Client<APIPaths>} */
const api = createClient({ baseUrl, headers });

const ids = [0, 1, 2].map((i) => `${service}-${i}`);
/** @type {LogEvent[]} */
const batch = ids.map((id, n) => ({ id, service, level: "error", message: `typescript line ${n}` }));

const first = await ingest.POST("/ingest/logs", { body: batch });
expect(first.response.status === 202 && first.data !== undefined, `ingest: ${first.response.status} ${JSON.stringify(first.error)}`);
expect(first.data.accepted === 3 && JSON.stringify(first.data.ids) === JSON.stringify(ids), `ingest result ${JSON.stringify(first.data)}`);

// A retry with the same ids stores nothing twice.
const again = await ingest.POST("/ingest/logs", { body: batch });
expect(again.data?.duplicates === 3, `retry: ${JSON.stringify(again.data ?? again.error)}`);

const deadline = Date.now() + DEADLINE_MS;
let items;
for (;;) {
  const page = await api.GET("/api/logs", { params: { query: { service: [service], order: "asc" } } });
  expect(page.data !== undefined, `list logs: ${page.response.status} ${JSON.stringify(page.error)}`);
  items = page.data.items;
  if (items.length >= ids.length) break;
  expect(Date.now() < deadline, `only ${items.length} of ${ids.length} logs after ${DEADLINE_MS} ms`);
  await new Promise((r) => setTimeout(r, 100)); // pacing the poll of a condition, not synchronization
}
expect(JSON.stringify(items.map((e) => e.id).sort()) === JSON.stringify([...ids].sort()), `ids ${items.map((e) => e.id)}`);
expect(items.every((e) => e.service === service && e.log?.level === "error"), `events ${JSON.stringify(items)}`);

const created = await api.POST("/api/alert-rules", {
  body: { name: `${service} errors`, kind: "log_count", threshold: 10, op: "gt", window: "5m", filter: { service, level: ["error"] } },
});
expect(created.response.status === 201 && created.data !== undefined, `create rule: ${created.response.status} ${JSON.stringify(created.error)}`);
const ruleId = created.data.id;
const got = await api.GET("/api/alert-rules/{ruleId}", { params: { path: { ruleId } } });
expect(got.data?.name === `${service} errors`, `get rule: ${JSON.stringify(got.data ?? got.error)}`);
const deleted = await api.DELETE("/api/alert-rules/{ruleId}", { params: { path: { ruleId } } });
expect(deleted.response.status === 204, `delete rule: ${deleted.response.status} ${JSON.stringify(deleted.error)}`);
const gone = await api.GET("/api/alert-rules/{ruleId}", { params: { path: { ruleId } } });
expect(gone.response.status === 404 && gone.error?.status === 404, `deleted rule: ${gone.response.status}`);
console.log(`typescript sdk: ok (${ids.length} logs, rule ${ruleId})`);
