from typing import Literal

LogHitsGroupBy = Literal["host", "level", "service"]

LOG_HITS_GROUP_BY_VALUES: set[LogHitsGroupBy] = {
    "host",
    "level",
    "service",
}


def check_log_hits_group_by(value: str) -> LogHitsGroupBy:
    if value in LOG_HITS_GROUP_BY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LOG_HITS_GROUP_BY_VALUES!r}"
    )
