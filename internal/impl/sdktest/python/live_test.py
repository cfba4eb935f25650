"""Live test of the generated Python SDKs (internal/gen/sdk/python).

Run by internal/impl/sdktest against a running server: LW_URL, LW_KEY (scopes
ingest, read and admin) and LW_SERVICE (a service name no other test uses).
It ingests a batch, reads it back (polling until it shows up or a deadline
passes), then creates, reads and deletes an alert rule. Exits non-zero on the
first failed expectation.
"""

import os
import sys
import time

from lightwatch_api import AuthenticatedClient as APIClient
from lightwatch_api.api.alerts import create_alert_rule, delete_alert_rule, get_alert_rule
from lightwatch_api.api.events import list_logs
from lightwatch_api.models import AlertRule, EventPage, LogCountRule, LogFilter, Problem as APIProblem
from lightwatch_ingest import AuthenticatedClient as IngestClient
from lightwatch_ingest.api.ingest import ingest_logs
from lightwatch_ingest.models import IngestResult, LogEvent

DEADLINE_SECONDS = 20


def expect(cond: bool, what: str) -> None:
    if not cond:
        sys.exit(f"python sdk: {what}")


def main() -> None:
    url, key, service = os.environ["LW_URL"], os.environ["LW_KEY"], os.environ["LW_SERVICE"]
    ingest = IngestClient(base_url=url, token=key)
    api = APIClient(base_url=url, token=key)

    ids = [f"{service}-{i}" for i in range(3)]
    batch = [LogEvent(id=i, service=service, level="error", message=f"python line {n}") for n, i in enumerate(ids)]
    resp = ingest_logs.sync_detailed(client=ingest, body=batch)
    expect(resp.status_code == 202 and isinstance(resp.parsed, IngestResult), f"ingest: {resp.status_code} {resp.content!r}")
    expect(resp.parsed.accepted == 3 and resp.parsed.ids == ids, f"ingest result {resp.parsed}")

    # A retry with the same ids stores nothing twice.
    again = ingest_logs.sync(client=ingest, body=batch)
    expect(isinstance(again, IngestResult) and again.duplicates == 3, f"retry: {again}")

    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        page = list_logs.sync(client=api, service=[service], order="asc")
        expect(isinstance(page, EventPage), f"list logs: {page}")
        if len(page.items) >= len(ids):
            break
        expect(time.monotonic() < deadline, f"only {len(page.items)} of {len(ids)} logs after {DEADLINE_SECONDS}s")
        time.sleep(0.1)  # pacing the poll of a condition, not synchronization
    expect(sorted(e.id for e in page.items) == sorted(ids), f"ids {[e.id for e in page.items]}")
    expect(all(e.log.level == "error" and e.service == service for e in page.items), f"events {page.items}")

    rule = create_alert_rule.sync(
        client=api,
        body=LogCountRule(name=f"{service} errors", kind="log_count", threshold=10, op="gt", window="5m",
                          filter_=LogFilter(service=service, level=["error"])),
    )
    expect(isinstance(rule, AlertRule) and rule.kind == "log_count", f"create rule: {rule}")
    got = get_alert_rule.sync(client=api, rule_id=rule.id)
    expect(isinstance(got, AlertRule) and got.name == f"{service} errors", f"get rule: {got}")
    deleted = delete_alert_rule.sync_detailed(client=api, rule_id=rule.id)
    expect(deleted.status_code == 204, f"delete rule: {deleted.status_code} {deleted.content!r}")
    gone = get_alert_rule.sync_detailed(client=api, rule_id=rule.id)
    expect(gone.status_code == 404 and isinstance(gone.parsed, APIProblem), f"deleted rule: {gone.status_code}")
    print(f"python sdk: ok ({len(ids)} logs, rule {rule.id})")


if __name__ == "__main__":
    main()
