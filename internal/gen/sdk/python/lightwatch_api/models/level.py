from typing import Literal

Level = Literal["debug", "error", "fatal", "info", "trace", "warn"]

LEVEL_VALUES: set[Level] = {
    "debug",
    "error",
    "fatal",
    "info",
    "trace",
    "warn",
}


def check_level(value: str) -> Level:
    if value in LEVEL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LEVEL_VALUES!r}")
