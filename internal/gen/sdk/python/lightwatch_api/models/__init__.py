"""Contains all the data models used in inputs/outputs"""

from .alert import Alert
from .alert_labels import AlertLabels
from .alert_page import AlertPage
from .alert_rule import AlertRule
from .alert_rule_kind import AlertRuleKind
from .alert_severity import AlertSeverity
from .alert_state import AlertState
from .anomaly_rule import AnomalyRule
from .anomaly_rule_aggregate import AnomalyRuleAggregate
from .anomaly_rule_kind import AnomalyRuleKind
from .anomaly_rule_labels import AnomalyRuleLabels
from .api_key import APIKey
from .api_key_input import APIKeyInput
from .comparison import Comparison
from .event import Event
from .event_attributes import EventAttributes
from .event_heartbeat import EventHeartbeat
from .event_heartbeat_status import EventHeartbeatStatus
from .event_kind import EventKind
from .event_log import EventLog
from .event_metric import EventMetric
from .event_metric_labels import EventMetricLabels
from .event_metric_type import EventMetricType
from .event_page import EventPage
from .event_security import EventSecurity
from .field_error import FieldError
from .field_values import FieldValues
from .field_values_items_item import FieldValuesItemsItem
from .heartbeat_filter import HeartbeatFilter
from .heartbeat_rule import HeartbeatRule
from .heartbeat_rule_kind import HeartbeatRuleKind
from .heartbeat_rule_labels import HeartbeatRuleLabels
from .hits import Hits
from .hits_bucket import HitsBucket
from .hits_bucket_groups import HitsBucketGroups
from .level import Level
from .list_alert_rules_response_200 import ListAlertRulesResponse200
from .list_alerts_order import ListAlertsOrder
from .list_alerts_state import ListAlertsState
from .list_keys_response_200 import ListKeysResponse200
from .list_logs_order import ListLogsOrder
from .list_metric_names_response_200 import ListMetricNamesResponse200
from .list_security_events_order import ListSecurityEventsOrder
from .list_security_events_outcome import ListSecurityEventsOutcome
from .list_services_response_200 import ListServicesResponse200
from .log_context import LogContext
from .log_count_rule import LogCountRule
from .log_count_rule_kind import LogCountRuleKind
from .log_count_rule_labels import LogCountRuleLabels
from .log_filter import LogFilter
from .log_hits_group_by import LogHitsGroupBy
from .metric_filter import MetricFilter
from .metric_filter_labels import MetricFilterLabels
from .metric_name_info import MetricNameInfo
from .metric_name_info_type import MetricNameInfoType
from .metric_point import MetricPoint
from .metric_series import MetricSeries
from .metric_series_labels import MetricSeriesLabels
from .metric_series_result import MetricSeriesResult
from .metric_threshold_rule import MetricThresholdRule
from .metric_threshold_rule_aggregate import MetricThresholdRuleAggregate
from .metric_threshold_rule_kind import MetricThresholdRuleKind
from .metric_threshold_rule_labels import MetricThresholdRuleLabels
from .new_api_key import NewAPIKey
from .problem import Problem
from .rule_common import RuleCommon
from .rule_common_labels import RuleCommonLabels
from .scope import Scope
from .security_field_values_field import SecurityFieldValuesField
from .security_field_values_outcome import SecurityFieldValuesOutcome
from .security_filter import SecurityFilter
from .security_hits_group_by import SecurityHitsGroupBy
from .security_hits_outcome import SecurityHitsOutcome
from .security_rule import SecurityRule
from .security_rule_kind import SecurityRuleKind
from .security_rule_labels import SecurityRuleLabels
from .service_info import ServiceInfo
from .service_info_state import ServiceInfoState
from .service_info_status import ServiceInfoStatus
from .severity import Severity
from .webhook_target import WebhookTarget
from .webhook_target_type import WebhookTargetType

__all__ = (
    "APIKey",
    "APIKeyInput",
    "Alert",
    "AlertLabels",
    "AlertPage",
    "AlertRule",
    "AlertRuleKind",
    "AlertSeverity",
    "AlertState",
    "AnomalyRule",
    "AnomalyRuleAggregate",
    "AnomalyRuleKind",
    "AnomalyRuleLabels",
    "Comparison",
    "Event",
    "EventAttributes",
    "EventHeartbeat",
    "EventHeartbeatStatus",
    "EventKind",
    "EventLog",
    "EventMetric",
    "EventMetricLabels",
    "EventMetricType",
    "EventPage",
    "EventSecurity",
    "FieldError",
    "FieldValues",
    "FieldValuesItemsItem",
    "HeartbeatFilter",
    "HeartbeatRule",
    "HeartbeatRuleKind",
    "HeartbeatRuleLabels",
    "Hits",
    "HitsBucket",
    "HitsBucketGroups",
    "Level",
    "ListAlertRulesResponse200",
    "ListAlertsOrder",
    "ListAlertsState",
    "ListKeysResponse200",
    "ListLogsOrder",
    "ListMetricNamesResponse200",
    "ListSecurityEventsOrder",
    "ListSecurityEventsOutcome",
    "ListServicesResponse200",
    "LogContext",
    "LogCountRule",
    "LogCountRuleKind",
    "LogCountRuleLabels",
    "LogFilter",
    "LogHitsGroupBy",
    "MetricFilter",
    "MetricFilterLabels",
    "MetricNameInfo",
    "MetricNameInfoType",
    "MetricPoint",
    "MetricSeries",
    "MetricSeriesLabels",
    "MetricSeriesResult",
    "MetricThresholdRule",
    "MetricThresholdRuleAggregate",
    "MetricThresholdRuleKind",
    "MetricThresholdRuleLabels",
    "NewAPIKey",
    "Problem",
    "RuleCommon",
    "RuleCommonLabels",
    "Scope",
    "SecurityFieldValuesField",
    "SecurityFieldValuesOutcome",
    "SecurityFilter",
    "SecurityHitsGroupBy",
    "SecurityHitsOutcome",
    "SecurityRule",
    "SecurityRuleKind",
    "SecurityRuleLabels",
    "ServiceInfo",
    "ServiceInfoState",
    "ServiceInfoStatus",
    "Severity",
    "WebhookTarget",
    "WebhookTargetType",
)
