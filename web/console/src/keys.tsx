// API keys (admin): list, create (the secret shown once), revoke.
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, get } from "./api";
import { fmtTime } from "./route";
import type { APIKey, NewAPIKey, Scope } from "./types";

const SCOPES: Scope[] = ["ingest", "read", "admin"];

export function Keys() {
  const [keys, setKeys] = useState<APIKey[]>([]);
  const [err, setErr] = useState("");
  const [fieldErr, setFieldErr] = useState<Record<string, string>>({});
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [created, setCreated] = useState<NewAPIKey | null>(null);
  const [copied, setCopied] = useState("");
  const load = () => get<{ items: APIKey[] }>("api/keys").then((r) => setKeys(r.items), (e) => setErr(e.message));
  useEffect(() => void load(), []);
  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    setErr(""); setFieldErr({});
    try {
      setCreated(await call<NewAPIKey>("POST", "api/keys", { name, scopes }));
      setName("");
      load();
    } catch (x) {
      if (x instanceof ApiError) setFieldErr(x.fieldErrors());
      setErr((x as Error).message);
    }
  };
  const revoke = async (k: APIKey) => {
    if (!confirm(`Revoke key ${k.name}? It stops working within 10 seconds.`)) return;
    try { await call("DELETE", `api/keys/${encodeURIComponent(k.id)}`); load(); } catch (x) { setErr((x as Error).message); }
  };
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <form class="card form" onSubmit={create}>
        <h2>New key</h2>
        <label>Name<input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} aria-invalid={!!fieldErr.name} /></label>
        {fieldErr.name && <p class="error">{fieldErr.name}</p>}
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label class="inline"><input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />{s}</label>
          ))}
        </fieldset>
        {fieldErr.scopes && <p class="error">{fieldErr.scopes}</p>}
        <button type="submit">Create key</button>
      </form>
      {created && (
        <div class="card secret" role="status">
          <p>Key <strong>{created.name}</strong> created. Copy the secret now: it is not shown again.</p>
          <code data-testid="secret">{created.key}</code>
          <button onClick={() => navigator.clipboard?.writeText(created.key).then(() => setCopied("copied"), () => setCopied("copy failed"))}>Copy</button>
          <span>{copied}</span>
          <button class="link" onClick={() => setCreated(null)}>Done</button>
        </div>
      )}
      {err && <p role="alert" class="error">{err}</p>}
      <table class="list">
        <thead><tr><th>Name</th><th>ID</th><th>Tenant</th><th>Scopes</th><th>Created</th><th>State</th><th /></tr></thead>
        <tbody>
          {keys.map((k) => (
            <tr>
              <td>{k.name}</td><td><code>{k.id}</code></td><td>{k.tenant}</td><td>{k.scopes.join(", ")}</td><td>{fmtTime(k.created_at)}</td>
              <td>{k.revoked_at ? `revoked ${fmtTime(k.revoked_at)}` : "active"}</td>
              <td>{!k.revoked_at && <button onClick={() => revoke(k)}>Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
