from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.loki_push_request import LokiPushRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: LokiPushRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_scope_org_id, Unset):
        headers["X-Scope-OrgID"] = x_scope_org_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/loki/api/v1/push",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: LokiPushRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Loki push

     Loki's push API, for Promtail, Grafana Alloy, Vector, Fluent Bit and other Loki clients: a
    `PushRequest` as snappy-compressed protobuf (`application/x-protobuf`; what Promtail and Alloy send)
    or Loki's JSON (`application/json`), optionally `Content-Encoding: gzip`. Each entry becomes a log
    event: the service from the `service_name`, `service`, `app`, `application`, `job`, `container` or
    `container_name` label (the first present; else `unknown_service`), the host from `host`,
    `hostname`,
    `host_name`, `node` or `instance`, the level from a `level` / `detected_level` / `severity` label or
    structured metadata, else detected from the line; the other labels and structured metadata become
    attributes. 204 when every entry is stored; 400 naming the rejected entries when some could not be
    (the others are stored, as Loki does).

    Args:
        x_scope_org_id (str | Unset):
        body (LokiPushRequest): Loki's JSON push body: streams of label sets and their [timestamp,
            line] values.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_scope_org_id=x_scope_org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: LokiPushRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> Any | Problem | None:
    """Loki push

     Loki's push API, for Promtail, Grafana Alloy, Vector, Fluent Bit and other Loki clients: a
    `PushRequest` as snappy-compressed protobuf (`application/x-protobuf`; what Promtail and Alloy send)
    or Loki's JSON (`application/json`), optionally `Content-Encoding: gzip`. Each entry becomes a log
    event: the service from the `service_name`, `service`, `app`, `application`, `job`, `container` or
    `container_name` label (the first present; else `unknown_service`), the host from `host`,
    `hostname`,
    `host_name`, `node` or `instance`, the level from a `level` / `detected_level` / `severity` label or
    structured metadata, else detected from the line; the other labels and structured metadata become
    attributes. 204 when every entry is stored; 400 naming the rejected entries when some could not be
    (the others are stored, as Loki does).

    Args:
        x_scope_org_id (str | Unset):
        body (LokiPushRequest): Loki's JSON push body: streams of label sets and their [timestamp,
            line] values.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_scope_org_id=x_scope_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: LokiPushRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Loki push

     Loki's push API, for Promtail, Grafana Alloy, Vector, Fluent Bit and other Loki clients: a
    `PushRequest` as snappy-compressed protobuf (`application/x-protobuf`; what Promtail and Alloy send)
    or Loki's JSON (`application/json`), optionally `Content-Encoding: gzip`. Each entry becomes a log
    event: the service from the `service_name`, `service`, `app`, `application`, `job`, `container` or
    `container_name` label (the first present; else `unknown_service`), the host from `host`,
    `hostname`,
    `host_name`, `node` or `instance`, the level from a `level` / `detected_level` / `severity` label or
    structured metadata, else detected from the line; the other labels and structured metadata become
    attributes. 204 when every entry is stored; 400 naming the rejected entries when some could not be
    (the others are stored, as Loki does).

    Args:
        x_scope_org_id (str | Unset):
        body (LokiPushRequest): Loki's JSON push body: streams of label sets and their [timestamp,
            line] values.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        x_scope_org_id=x_scope_org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: LokiPushRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> Any | Problem | None:
    """Loki push

     Loki's push API, for Promtail, Grafana Alloy, Vector, Fluent Bit and other Loki clients: a
    `PushRequest` as snappy-compressed protobuf (`application/x-protobuf`; what Promtail and Alloy send)
    or Loki's JSON (`application/json`), optionally `Content-Encoding: gzip`. Each entry becomes a log
    event: the service from the `service_name`, `service`, `app`, `application`, `job`, `container` or
    `container_name` label (the first present; else `unknown_service`), the host from `host`,
    `hostname`,
    `host_name`, `node` or `instance`, the level from a `level` / `detected_level` / `severity` label or
    structured metadata, else detected from the line; the other labels and structured metadata become
    attributes. 204 when every entry is stored; 400 naming the rejected entries when some could not be
    (the others are stored, as Loki does).

    Args:
        x_scope_org_id (str | Unset):
        body (LokiPushRequest): Loki's JSON push body: streams of label sets and their [timestamp,
            line] values.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_scope_org_id=x_scope_org_id,
        )
    ).parsed
