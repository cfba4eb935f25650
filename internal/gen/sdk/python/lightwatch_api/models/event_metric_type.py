from typing import Literal

EventMetricType = Literal["counter", "gauge"]

EVENT_METRIC_TYPE_VALUES: set[EventMetricType] = {
    "counter",
    "gauge",
}


def check_event_metric_type(value: str) -> EventMetricType:
    if value in EVENT_METRIC_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EVENT_METRIC_TYPE_VALUES!r}"
    )
