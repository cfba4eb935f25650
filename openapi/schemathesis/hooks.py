"""Schemathesis hooks for Lightwatch's OpenAPI documents.

Loaded with SCHEMATHESIS_HOOKS=hooks and this directory on PYTHONPATH (see
run.sh and the README). They do two things the documents cannot:

1. Serialize application/x-ndjson bodies. The ingest documents describe an
   NDJSON body by the batch it carries (one event or an array of them); here
   each event becomes one line, as the documents' descriptions say.

2. Keep schema-valid ("positive") requests within the documented rules that
   relate two parameters, which JSON Schema cannot state (each rule is in
   openapi/api.yaml's descriptions):
   - `from` is before `to`, and the range spans at most 31 days;
   - GET /api/metrics: the range holds at most 11,000 steps of `step`;
     the hits histograms at most 10,000;
   - `cursor` is only ever a `next_cursor` the server issued for the same
     listing and filters (the stateful phase passes real ones along links);
   - an anomaly rule's `window` is a width the series can be cut into
     (AnomalyRule.window's description): 13s is refused.
   A positive request that breaks one of these rules is not valid, so
   Schemathesis would wrongly expect it accepted. Invalid ("negative")
   requests are left as generated: the server must reject them either way.
"""

import base64
import binascii
import json
from datetime import datetime, timedelta, timezone

import schemathesis
from schemathesis import GenerationMode

MAX_RANGE = timedelta(days=31)
MAX_POINTS = 11000
HOUR = timedelta(hours=1)

# Operations with a time range: their default span before `to`.
DEFAULT_SPAN = {
    "/api/logs": HOUR,
    "/api/security-events": HOUR,
    "/api/metrics": HOUR,
    "/api/alerts": timedelta(hours=24),
    "/api/logs/hits": HOUR,
    "/api/security-events/hits": HOUR,
    "/api/logs/fields/{field}/values": HOUR,
    "/api/security-events/fields/{field}/values": HOUR,
}

# Operations with a step: the most steps the range may hold, and the default step.
MAX_STEPS = {"/api/metrics": (MAX_POINTS, "1m"), "/api/logs/hits": (10000, None), "/api/security-events/hits": (10000, None)}


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode()


# The standard protocols' bodies (openapi/ingest.yaml, tag protocols) are
# defined by the protocols' own specifications (OTLP, Loki push, Elasticsearch
# bulk), which the documents' loose JSON schemas cannot state: a schema-valid
# object is rarely a valid OTLP request. A positive case of one of them gets a
# body valid under its protocol instead: the operation's documented example for
# JSON and NDJSON, and the empty message for protobuf (valid for every message
# type; snappy-compressed for Loki). Negative cases are left as generated.
PROTOCOL_BODIES = {
    ("/otlp/v1/logs", "application/x-protobuf"): b"",
    ("/otlp/v1/metrics", "application/x-protobuf"): b"",
    ("/otlp/v1/traces", "application/x-protobuf"): b"",
    ("/loki/api/v1/push", "application/x-protobuf"): b"\x00",  # snappy of nothing
    ("/otlp/v1/metrics", "application/json"): {"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]}, "scopeMetrics": [{"metrics": [{"name": "queue.depth", "gauge": {"dataPoints": [{"asInt": "7", "timeUnixNano": "1733454000000000000"}]}}]}]}]},
    ("/es/_bulk", "application/x-ndjson"): [{"create": {"_index": "schemathesis"}}, {"@timestamp": "2026-12-06T03:00:00Z", "message": "payment declined", "log": {"level": "error"}}],
    ("/es/{index}/_bulk", "application/x-ndjson"): [{"create": {}}, {"@timestamp": "2026-12-06T03:00:00Z", "message": "payment declined"}],
}


def protocol_body(case):
    key = (case.operation.path, (case.media_type or "").split(";")[0].strip())
    if key in PROTOCOL_BODIES:
        return PROTOCOL_BODIES[key]
    if key[1] == "application/json" and case.operation.tags and "protocols" in case.operation.tags:
        example = case.operation.definition.raw.get("requestBody", {}).get("content", {}).get("application/json", {}).get("example")
        if example is not None:
            return example
    return None


@schemathesis.hook
def map_case(ctx, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return case
    body = protocol_body(case) if case.method.upper() in ("POST", "PUT") else None
    if body is not None:
        case.body = body
        return case
    if case.method.upper() in ("POST", "PUT") and case.operation.path.startswith("/api/alert-rules"):
        keep_anomaly_window_valid(case.body)
        return case
    if case.method.upper() != "GET" or case.operation.path not in DEFAULT_SPAN or not case.query:
        return case
    query = dict(case.query)
    if "cursor" in query and not issued_cursor(query["cursor"]):
        del query["cursor"]
    keep_range_valid(query, DEFAULT_SPAN[case.operation.path], *step_of(case.operation.path, query))
    case.query = query
    return case


def keep_anomaly_window_valid(body):
    """Replace an anomaly rule's window that no step divides (see anomalyStep in internal/impl/alerting)."""
    if not isinstance(body, dict) or body.get("kind") != "anomaly" or not isinstance(body.get("window"), str):
        return
    w = body["window"]
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        seconds = int(w[:-1]) * units[w[-1]]
    except (KeyError, ValueError):
        return
    if not (seconds % 60 == 0 or any(seconds % s == 0 for s in (30, 20, 15, 10)) or 60 % seconds == 0):
        body["window"] = "1m"


def issued_cursor(value):
    """Whether value is shaped like a cursor the server issued (base64url JSON with a digest)."""
    if not isinstance(value, str):
        return False
    try:
        body = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(body, dict) and "d" in body


def step_of(path, query):
    """The step in effect and the most steps allowed, or (None, None) without one."""
    if path not in MAX_STEPS:
        return None, None
    most, default = MAX_STEPS[path]
    raw = query.get("step", default)
    if raw is None:
        return None, None  # the server picks a step that fits
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        return min(timedelta(seconds=int(raw[:-1]) * units[raw[-1]]), MAX_RANGE), most
    except (KeyError, ValueError, TypeError, IndexError, OverflowError):
        return None, None  # not a valid step: the request is rejected for it anyway


def parse_time(value):
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def format_time(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def keep_range_valid(query, default_span, step, most):
    given_from, given_to = parse_time(query.get("from")), parse_time(query.get("to"))
    if "from" in query and given_from is None or "to" in query and given_to is None:
        return  # a value Python cannot read: leave it to the server
    to = given_to or datetime.now(timezone.utc)
    try:
        frm = given_from or to - default_span
    except OverflowError:
        frm = None
    if frm is not None and valid_range(frm, to, step, most):
        return
    # Keep `to` as drawn and start the range an hour before it; an hour holds
    # at most 360 steps of the shortest step. Near year 1, move `to` instead.
    try:
        frm = to - HOUR
    except OverflowError:
        frm = to
        to = frm + HOUR
        query["to"] = format_time(to)
    if "to" not in query:
        query["to"] = format_time(to)  # `now` moves; pin the range
    query["from"] = format_time(frm)


def valid_range(frm, to, step, most):
    span = to - frm
    if span <= timedelta(0) or span > MAX_RANGE:
        return False
    return step is None or span // step <= most
