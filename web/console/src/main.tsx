import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, onRetry, setUnauthorizedHandler, storeKey, storedKey } from "./api";
import { href, useRoute } from "./route";
import { Explorer, LOGS, SECURITY } from "./explorer";
import { Metrics } from "./metrics";
import { Services } from "./services";
import { Alerts } from "./alerts";
import { Keys } from "./keys";

export interface Session {
  admin: boolean;
}

/** Which pages the key may see: read for everything but keys and rule changes, admin for those. */
async function probe(key: string): Promise<Session> {
  await call("GET", "api/services", undefined, key); // 401 unknown key, 403 no read scope
  try {
    await call("GET", "api/keys", undefined, key);
    return { admin: true };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return { admin: false };
    throw e;
  }
}

function SignIn({ onIn, notice }: { onIn: (s: Session) => void; notice: string }) {
  const [key, setKey] = useState("");
  const [err, setErr] = useState(notice);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr("");
    try {
      const s = await probe(key.trim());
      storeKey(key.trim());
      onIn(s);
    } catch (x) {
      setErr(x instanceof ApiError && x.status === 403 ? "This key has no read scope." : x instanceof ApiError && x.status === 401 ? "Unknown key." : String((x as Error).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form onSubmit={submit} aria-describedby="signin-help">
        <h1>Lightwatch</h1>
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <p id="signin-help" class="muted">A key with the read scope (admin to manage rules and keys). It stays in this tab only.</p>
        {err && <p role="alert" class="error">{err}</p>}
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}

const PAGES: { id: string; label: string; admin?: boolean }[] = [
  { id: "logs", label: "Logs" },
  { id: "security", label: "Security" },
  { id: "metrics", label: "Metrics" },
  { id: "services", label: "Services" },
  { id: "alerts", label: "Alerts" },
  { id: "keys", label: "Keys", admin: true },
];

function RetryBanner() {
  const [s, setS] = useState<{ retryIn: number; what: string } | null>(null);
  useEffect(() => {
    const off = onRetry(setS);
    return () => void off();
  }, []);
  return s ? <div role="status" class="banner">{s.what}: retrying in {s.retryIn} s</div> : null;
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(!!storedKey());
  const [notice, setNotice] = useState("");
  const route = useRoute();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      storeKey(null);
      setSession(null);
      setNotice("Your key was refused; sign in again.");
    });
    const k = storedKey();
    if (k)
      probe(k)
        .then(setSession)
        .catch(() => storeKey(null))
        .finally(() => setChecking(false));
  }, []);
  if (checking) return <p class="muted pad">Loading…</p>;
  if (!session) return <SignIn onIn={(s) => { setNotice(""); setSession(s); }} notice={notice} />;
  const page = PAGES.find((p) => p.id === route.page && (!p.admin || session.admin)) ?? PAGES[0];
  return (
    <>
      <header>
        <span class="brand">Lightwatch</span>
        <nav aria-label="Pages">
          {PAGES.filter((p) => !p.admin || session.admin).map((p) => (
            <a href={href(p.id)} aria-current={p.id === page.id ? "page" : undefined}>{p.label}</a>
          ))}
        </nav>
        <button class="link" onClick={() => { storeKey(null); setSession(null); }}>Sign out</button>
      </header>
      <RetryBanner />
      <main id="content">
        {page.id === "logs" && <Explorer key="logs" kind={LOGS} params={route.params} />}
        {page.id === "security" && <Explorer key="security" kind={SECURITY} params={route.params} />}
        {page.id === "metrics" && <Metrics params={route.params} />}
        {page.id === "services" && <Services />}
        {page.id === "alerts" && <Alerts admin={session.admin} />}
        {page.id === "keys" && <Keys />}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
