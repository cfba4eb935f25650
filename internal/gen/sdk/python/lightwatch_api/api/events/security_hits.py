import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hits import Hits
from ...models.problem import Problem
from ...models.security_hits_group_by import (
    SecurityHitsGroupBy,
)
from ...models.security_hits_outcome import (
    SecurityHitsOutcome,
)
from ...models.severity import Severity
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityHitsOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
    group_by: SecurityHitsGroupBy | Unset = UNSET,
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

    params["step"] = step

    json_group_by: str | Unset = UNSET
    if not isinstance(group_by, Unset):
        json_group_by = group_by

    params["group_by"] = json_group_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/security-events/hits",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Hits | Problem | None:
    if response.status_code == 200:
        response_200 = Hits.from_dict(response.json())

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
) -> Response[Hits | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityHitsOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
    group_by: SecurityHitsGroupBy | Unset = UNSET,
) -> Response[Hits | Problem]:
    """Security events per time step

     Like `/api/logs/hits`, for security events (the listing's filters, grouped by
    `severity`, `category` or `service`).

    Args:
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityHitsOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset):
        group_by (SecurityHitsGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Hits | Problem]
    """

    kwargs = _get_kwargs(
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
        step=step,
        group_by=group_by,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityHitsOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
    group_by: SecurityHitsGroupBy | Unset = UNSET,
) -> Hits | Problem | None:
    """Security events per time step

     Like `/api/logs/hits`, for security events (the listing's filters, grouped by
    `severity`, `category` or `service`).

    Args:
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityHitsOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset):
        group_by (SecurityHitsGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Hits | Problem
    """

    return sync_detailed(
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
        step=step,
        group_by=group_by,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityHitsOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
    group_by: SecurityHitsGroupBy | Unset = UNSET,
) -> Response[Hits | Problem]:
    """Security events per time step

     Like `/api/logs/hits`, for security events (the listing's filters, grouped by
    `severity`, `category` or `service`).

    Args:
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityHitsOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset):
        group_by (SecurityHitsGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Hits | Problem]
    """

    kwargs = _get_kwargs(
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
        step=step,
        group_by=group_by,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    service: list[str] | Unset = UNSET,
    category: list[str] | Unset = UNSET,
    severity: list[Severity] | Unset = UNSET,
    min_severity: Severity | Unset = UNSET,
    src_ip: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    outcome: SecurityHitsOutcome | Unset = UNSET,
    q: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
    group_by: SecurityHitsGroupBy | Unset = UNSET,
) -> Hits | Problem | None:
    """Security events per time step

     Like `/api/logs/hits`, for security events (the listing's filters, grouped by
    `severity`, `category` or `service`).

    Args:
        service (list[str] | Unset):
        category (list[str] | Unset):
        severity (list[Severity] | Unset):
        min_severity (Severity | Unset):
        src_ip (str | Unset):
        actor (str | Unset):
        outcome (SecurityHitsOutcome | Unset):
        q (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset):
        group_by (SecurityHitsGroupBy | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Hits | Problem
    """

    return (
        await asyncio_detailed(
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
            step=step,
            group_by=group_by,
        )
    ).parsed
