from typing import Literal

LogEventLevel = Literal[
    "critical",
    "CRITICAL",
    "debug",
    "DEBUG",
    "ERROR",
    "error",
    "fatal",
    "FATAL",
    "INFO",
    "info",
    "TRACE",
    "trace",
    "WARN",
    "warn",
    "warning",
    "WARNING",
]

LOG_EVENT_LEVEL_VALUES: set[LogEventLevel] = {
    "critical",
    "CRITICAL",
    "debug",
    "DEBUG",
    "ERROR",
    "error",
    "fatal",
    "FATAL",
    "INFO",
    "info",
    "TRACE",
    "trace",
    "WARN",
    "warn",
    "warning",
    "WARNING",
}


def check_log_event_level(value: str) -> LogEventLevel:
    if value in LOG_EVENT_LEVEL_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LOG_EVENT_LEVEL_VALUES!r}"
    )
