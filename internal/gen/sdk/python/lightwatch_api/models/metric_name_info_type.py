from typing import Literal

MetricNameInfoType = Literal["counter", "gauge"]

METRIC_NAME_INFO_TYPE_VALUES: set[MetricNameInfoType] = {
    "counter",
    "gauge",
}


def check_metric_name_info_type(value: str) -> MetricNameInfoType:
    if value in METRIC_NAME_INFO_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {METRIC_NAME_INFO_TYPE_VALUES!r}"
    )
