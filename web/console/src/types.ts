// Types of the query API (generated from openapi/api.yaml by make sdk) and of
// the realtime messages (asyncapi/realtime.yaml), so that a contract change
// breaks this build rather than its users.
import type { components, operations } from "../../../internal/gen/sdk/typescript/api";

type S = components["schemas"];
export type Event = S["Event"];
export type EventPage = S["EventPage"];
export type Hits = S["Hits"];
export type FieldValues = S["FieldValues"];
export type LogContext = S["LogContext"];
export type MetricSeriesResult = S["MetricSeriesResult"];
export type MetricNameInfo = S["MetricNameInfo"];
export type ServiceInfo = S["ServiceInfo"];
export type Alert = S["Alert"];
export type AlertPage = S["AlertPage"];
export type AlertRule = S["AlertRule"];
export type APIKey = S["APIKey"];
export type NewAPIKey = S["NewAPIKey"];
export type Problem = S["Problem"];
export type Level = S["Level"];
export type Severity = S["Severity"];
export type Scope = S["Scope"];
export type RuleKind = AlertRule["kind"];
export type LogHitsGroup = NonNullable<NonNullable<operations["logHits"]["parameters"]["query"]>["group_by"]>;

export const LEVELS: Level[] = ["trace", "debug", "info", "warn", "error", "fatal"];
export const SEVERITIES: Severity[] = ["low", "medium", "high", "critical"];

// Realtime messages (asyncapi/realtime.yaml, components.schemas.*Message;
// internal/impl/console/messages_test.go keeps them in step).
export type Cursor = string;
export interface EventMessage { type: "event"; channel: "logs" | "security-events" | "metrics"; cursor: Cursor; event: Event }
export interface AlertMessage { type: "alert"; channel: "alerts"; cursor: Cursor; alert: Alert }
export interface SubscribedMessage { type: "subscribed"; channel: "logs" | "security-events" | "metrics" | "alerts"; filters: Record<string, unknown> }
export interface LaggedMessage { type: "lagged"; dropped: number }
export interface ResetMessage { type: "reset"; reason: "history_trimmed"; oldest: Cursor }
export interface ErrorMessage { type: "error"; message: string }
export type ServerMessage = EventMessage | AlertMessage | SubscribedMessage | LaggedMessage | ResetMessage | ErrorMessage;
