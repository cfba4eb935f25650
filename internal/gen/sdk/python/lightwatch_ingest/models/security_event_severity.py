from typing import Literal

SecurityEventSeverity = Literal[
    "critical", "CRITICAL", "high", "HIGH", "low", "LOW", "medium", "MEDIUM"
]

SECURITY_EVENT_SEVERITY_VALUES: set[SecurityEventSeverity] = {
    "critical",
    "CRITICAL",
    "high",
    "HIGH",
    "low",
    "LOW",
    "medium",
    "MEDIUM",
}


def check_security_event_severity(value: str) -> SecurityEventSeverity:
    if value in SECURITY_EVENT_SEVERITY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SECURITY_EVENT_SEVERITY_VALUES!r}"
    )
