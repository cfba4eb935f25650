"""Contains all the data models used in inputs/outputs"""

from .attributes import Attributes
from .field_error import FieldError
from .heartbeat import Heartbeat
from .heartbeat_status import HeartbeatStatus
from .ingest_result import IngestResult
from .log_event import LogEvent
from .log_event_level import LogEventLevel
from .loki_push_request import LokiPushRequest
from .loki_push_request_streams_item import LokiPushRequestStreamsItem
from .loki_push_request_streams_item_stream import LokiPushRequestStreamsItemStream
from .metric_sample import MetricSample
from .metric_sample_labels import MetricSampleLabels
from .metric_sample_type import MetricSampleType
from .otlp_export_response import OtlpExportResponse
from .otlp_export_response_partial_success import OtlpExportResponsePartialSuccess
from .otlp_export_traces_json_body import OtlpExportTracesJsonBody
from .otlp_logs_request import OtlpLogsRequest
from .otlp_logs_request_resource_logs_item import OtlpLogsRequestResourceLogsItem
from .otlp_metrics_request import OtlpMetricsRequest
from .otlp_metrics_request_resource_metrics_item import (
    OtlpMetricsRequestResourceMetricsItem,
)
from .problem import Problem
from .security_event import SecurityEvent
from .security_event_outcome import SecurityEventOutcome
from .security_event_severity import SecurityEventSeverity

__all__ = (
    "Attributes",
    "FieldError",
    "Heartbeat",
    "HeartbeatStatus",
    "IngestResult",
    "LogEvent",
    "LogEventLevel",
    "LokiPushRequest",
    "LokiPushRequestStreamsItem",
    "LokiPushRequestStreamsItemStream",
    "MetricSample",
    "MetricSampleLabels",
    "MetricSampleType",
    "OtlpExportResponse",
    "OtlpExportResponsePartialSuccess",
    "OtlpExportTracesJsonBody",
    "OtlpLogsRequest",
    "OtlpLogsRequestResourceLogsItem",
    "OtlpMetricsRequest",
    "OtlpMetricsRequestResourceMetricsItem",
    "Problem",
    "SecurityEvent",
    "SecurityEventOutcome",
    "SecurityEventSeverity",
)
