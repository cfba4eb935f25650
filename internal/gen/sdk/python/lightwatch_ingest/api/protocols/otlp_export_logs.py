from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.otlp_export_response import OtlpExportResponse
from ...models.otlp_logs_request import OtlpLogsRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: OtlpLogsRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_scope_org_id, Unset):
        headers["X-Scope-OrgID"] = x_scope_org_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/otlp/v1/logs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OtlpExportResponse | Problem | None:
    if response.status_code == 200:
        response_200 = OtlpExportResponse.from_dict(response.json())

        return response_200

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
) -> Response[OtlpExportResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OtlpLogsRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> Response[OtlpExportResponse | Problem]:
    """OTLP/HTTP logs export

     An OTLP `ExportLogsServiceRequest`, as protobuf (`application/x-protobuf`) or OTLP-JSON
    (`application/json`), optionally `Content-Encoding: gzip` or `zstd`. Each log record becomes a log
    event. The answer is an `ExportLogsServiceResponse` in the request's encoding: records that could
    not
    be stored are counted in `partialSuccess.rejectedLogRecords` with a message (the rest are stored).

    Args:
        x_scope_org_id (str | Unset):
        body (OtlpLogsRequest): An OTLP-JSON ExportLogsServiceRequest
            (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OtlpExportResponse | Problem]
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
    body: OtlpLogsRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> OtlpExportResponse | Problem | None:
    """OTLP/HTTP logs export

     An OTLP `ExportLogsServiceRequest`, as protobuf (`application/x-protobuf`) or OTLP-JSON
    (`application/json`), optionally `Content-Encoding: gzip` or `zstd`. Each log record becomes a log
    event. The answer is an `ExportLogsServiceResponse` in the request's encoding: records that could
    not
    be stored are counted in `partialSuccess.rejectedLogRecords` with a message (the rest are stored).

    Args:
        x_scope_org_id (str | Unset):
        body (OtlpLogsRequest): An OTLP-JSON ExportLogsServiceRequest
            (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OtlpExportResponse | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        x_scope_org_id=x_scope_org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OtlpLogsRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> Response[OtlpExportResponse | Problem]:
    """OTLP/HTTP logs export

     An OTLP `ExportLogsServiceRequest`, as protobuf (`application/x-protobuf`) or OTLP-JSON
    (`application/json`), optionally `Content-Encoding: gzip` or `zstd`. Each log record becomes a log
    event. The answer is an `ExportLogsServiceResponse` in the request's encoding: records that could
    not
    be stored are counted in `partialSuccess.rejectedLogRecords` with a message (the rest are stored).

    Args:
        x_scope_org_id (str | Unset):
        body (OtlpLogsRequest): An OTLP-JSON ExportLogsServiceRequest
            (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OtlpExportResponse | Problem]
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
    body: OtlpLogsRequest,
    x_scope_org_id: str | Unset = UNSET,
) -> OtlpExportResponse | Problem | None:
    """OTLP/HTTP logs export

     An OTLP `ExportLogsServiceRequest`, as protobuf (`application/x-protobuf`) or OTLP-JSON
    (`application/json`), optionally `Content-Encoding: gzip` or `zstd`. Each log record becomes a log
    event. The answer is an `ExportLogsServiceResponse` in the request's encoding: records that could
    not
    be stored are counted in `partialSuccess.rejectedLogRecords` with a message (the rest are stored).

    Args:
        x_scope_org_id (str | Unset):
        body (OtlpLogsRequest): An OTLP-JSON ExportLogsServiceRequest
            (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OtlpExportResponse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_scope_org_id=x_scope_org_id,
        )
    ).parsed
