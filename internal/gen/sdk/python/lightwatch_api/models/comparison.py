from typing import Literal

Comparison = Literal["gt", "gte", "lt", "lte"]

COMPARISON_VALUES: set[Comparison] = {
    "gt",
    "gte",
    "lt",
    "lte",
}


def check_comparison(value: str) -> Comparison:
    if value in COMPARISON_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {COMPARISON_VALUES!r}"
    )
