"""Contains all the data models used in inputs/outputs"""

from .attributes import Attributes
from .es_bulk_body_item import EsBulkBodyItem
from .es_bulk_result import EsBulkResult
from .es_bulk_result_items_item import EsBulkResultItemsItem
from .es_bulk_result_items_item_additional_property import (
    EsBulkResultItemsItemAdditionalProperty,
)
from .es_bulk_result_items_item_additional_property_error import (
    EsBulkResultItemsItemAdditionalPropertyError,
)
from .es_get_ilm_policy_response_200 import EsGetIlmPolicyResponse200
from .es_get_index_template_response_200 import EsGetIndexTemplateResponse200
from .es_info_response_200 import EsInfoResponse200
from .es_license_response_200 import EsLicenseResponse200
from .es_put_ilm_policy_body import EsPutIlmPolicyBody
from .es_put_ilm_policy_response_200 import EsPutIlmPolicyResponse200
from .es_put_index_template_body import EsPutIndexTemplateBody
from .es_put_index_template_response_200 import EsPutIndexTemplateResponse200
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
    "EsBulkBodyItem",
    "EsBulkResult",
    "EsBulkResultItemsItem",
    "EsBulkResultItemsItemAdditionalProperty",
    "EsBulkResultItemsItemAdditionalPropertyError",
    "EsGetIlmPolicyResponse200",
    "EsGetIndexTemplateResponse200",
    "EsInfoResponse200",
    "EsLicenseResponse200",
    "EsPutIlmPolicyBody",
    "EsPutIlmPolicyResponse200",
    "EsPutIndexTemplateBody",
    "EsPutIndexTemplateResponse200",
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
