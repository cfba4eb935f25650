"""Contains all the data models used in inputs/outputs"""

from .attributes import Attributes
from .field_error import FieldError
from .heartbeat import Heartbeat
from .heartbeat_status import HeartbeatStatus
from .ingest_result import IngestResult
from .log_event import LogEvent
from .log_event_level import LogEventLevel
from .metric_sample import MetricSample
from .metric_sample_labels import MetricSampleLabels
from .metric_sample_type import MetricSampleType
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
    "MetricSample",
    "MetricSampleLabels",
    "MetricSampleType",
    "Problem",
    "SecurityEvent",
    "SecurityEventOutcome",
    "SecurityEventSeverity",
)
