from typing import Literal

MetricSampleType = Literal["counter", "gauge"]

METRIC_SAMPLE_TYPE_VALUES: set[MetricSampleType] = {
    "counter",
    "gauge",
}


def check_metric_sample_type(value: str) -> MetricSampleType:
    if value in METRIC_SAMPLE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {METRIC_SAMPLE_TYPE_VALUES!r}"
    )
