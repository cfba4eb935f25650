from typing import Literal

EventKind = Literal["heartbeat", "log", "metric", "security"]

EVENT_KIND_VALUES: set[EventKind] = {
    "heartbeat",
    "log",
    "metric",
    "security",
}


def check_event_kind(value: str) -> EventKind:
    if value in EVENT_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EVENT_KIND_VALUES!r}"
    )
