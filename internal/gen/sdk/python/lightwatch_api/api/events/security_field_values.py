import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.field_values import FieldValues
from ...models.problem import Problem
from ...models.security_field_values_field import (
    SecurityFieldValuesField,
)
from ...models.security_field_values_outcome import (
    SecurityFieldValuesOutcome,
)
from ...models.severity import Severity
from ...types import UNSET, Response, Unset


def _get_kwargs(
    field: SecurityFieldValuesField,
    *,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityFieldValuesOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_service: list[str] | Unset = UNSET
    if not isinstance(service, Unset):
        json_service = service

    params["service"] = json_service

    json_category: list[str] | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = category

    params["category"] = json_category

    json_severity: list[str] | Unset = UNSET
    if not isinstance(severity, Unset):
        json_severity = []
        for severity_item_data in severity:
            severity_item: str = severity_item_data
            json_severity.append(severity_item)

    params["severity"] = json_severity

    json_min_severity: str | Unset = UNSET
    if not isinstance(min_severity, Unset):
        json_min_severity = min_severity

    params["min_severity"] = json_min_severity

    params["src_ip"] = src_ip

    params["actor"] = actor

    json_outcome: str | Unset = UNSET
    if not isinstance(outcome, Unset):
        json_outcome = outcome

    params["outcome"] = json_outcome

    params["q"] = q

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/security-events/fields/{field}/values".format(
            field=quote(str(field), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FieldValues | Problem | None:
    if response.status_code == 200:
        response_200 = FieldValues.from_dict(response.json())

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
) -> Response[FieldValues | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    field: SecurityFieldValuesField,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityFieldValuesOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> Response[FieldValues | Problem]:
    """Top values of a security event field

     Like `/api/logs/fields/{field}/values`, for security events. Fields: `service`, `host`,
    `severity`, `category`, `actor`, `src_ip`, `outcome`.

    Args:
        field (SecurityFieldValuesField):
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityFieldValuesOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FieldValues | Problem]
    """

    kwargs = _get_kwargs(
        field=field,
        service=service,
        category=category,
        severity=severity,
        min_severity=min_severity,
        src_ip=src_ip,
        actor=actor,
        outcome=outcome,
        q=q,
        from_=from_,
        to=to,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    field: SecurityFieldValuesField,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityFieldValuesOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> FieldValues | Problem | None:
    """Top values of a security event field

     Like `/api/logs/fields/{field}/values`, for security events. Fields: `service`, `host`,
    `severity`, `category`, `actor`, `src_ip`, `outcome`.

    Args:
        field (SecurityFieldValuesField):
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityFieldValuesOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FieldValues | Problem
    """

    return sync_detailed(
        field=field,
        client=client,
        service=service,
        category=category,
        severity=severity,
        min_severity=min_severity,
        src_ip=src_ip,
        actor=actor,
        outcome=outcome,
        q=q,
        from_=from_,
        to=to,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    field: SecurityFieldValuesField,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityFieldValuesOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> Response[FieldValues | Problem]:
    """Top values of a security event field

     Like `/api/logs/fields/{field}/values`, for security events. Fields: `service`, `host`,
    `severity`, `category`, `actor`, `src_ip`, `outcome`.

    Args:
        field (SecurityFieldValuesField):
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityFieldValuesOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FieldValues | Problem]
    """

    kwargs = _get_kwargs(
        field=field,
        service=service,
        category=category,
        severity=severity,
        min_severity=min_severity,
        src_ip=src_ip,
        actor=actor,
        outcome=outcome,
        q=q,
        from_=from_,
        to=to,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    field: SecurityFieldValuesField,
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityFieldValuesOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 10,
) -> FieldValues | Problem | None:
    """Top values of a security event field

     Like `/api/logs/fields/{field}/values`, for security events. Fields: `service`, `host`,
    `severity`, `category`, `actor`, `src_ip`, `outcome`.

    Args:
        field (SecurityFieldValuesField):
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityFieldValuesOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FieldValues | Problem
    """

    return (
        await asyncio_detailed(
            field=field,
            client=client,
            service=service,
            category=category,
            severity=severity,
            min_severity=min_severity,
            src_ip=src_ip,
            actor=actor,
            outcome=outcome,
            q=q,
            from_=from_,
            to=to,
            limit=limit,
        )
    ).parsed
