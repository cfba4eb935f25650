import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.metric_series_result import MetricSeriesResult
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    name: str,
    service: str | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["name"] = name

    params["service"] = service

    json_label: list[str] | Unset = UNSET
    if not isinstance(label, Unset):
        json_label = label

    params["label"] = json_label

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["step"] = step

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/metrics",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MetricSeriesResult | Problem | None:
    if response.status_code == 200:
        response_200 = MetricSeriesResult.from_dict(response.json())

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
) -> Response[MetricSeriesResult | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    service: str | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
) -> Response[MetricSeriesResult | Problem]:
    """Series of one metric

     Every series (service + labels) of the metric that matches the filters, with one point
    per `step` (aligned to the Unix epoch) holding count, sum, min, max and avg of its
    samples. Steps of whole minutes read the per-minute rollups; 10s, 15s, 20s and 30s read
    raw samples. At most 11,000 points per series.

    Args:
        name (str):
        service (str | Unset):
        label (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset): A metric step, 10s, 15s, 20s, 30s or whole minutes up to a day, such
            as `1m`, `5m`, `1h` or `1d`. Example: 5m.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MetricSeriesResult | Problem]
    """

    kwargs = _get_kwargs(
        name=name,
        service=service,
        label=label,
        from_=from_,
        to=to,
        step=step,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    service: str | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
) -> MetricSeriesResult | Problem | None:
    """Series of one metric

     Every series (service + labels) of the metric that matches the filters, with one point
    per `step` (aligned to the Unix epoch) holding count, sum, min, max and avg of its
    samples. Steps of whole minutes read the per-minute rollups; 10s, 15s, 20s and 30s read
    raw samples. At most 11,000 points per series.

    Args:
        name (str):
        service (str | Unset):
        label (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset): A metric step, 10s, 15s, 20s, 30s or whole minutes up to a day, such
            as `1m`, `5m`, `1h` or `1d`. Example: 5m.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MetricSeriesResult | Problem
    """

    return sync_detailed(
        client=client,
        name=name,
        service=service,
        label=label,
        from_=from_,
        to=to,
        step=step,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    service: str | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
) -> Response[MetricSeriesResult | Problem]:
    """Series of one metric

     Every series (service + labels) of the metric that matches the filters, with one point
    per `step` (aligned to the Unix epoch) holding count, sum, min, max and avg of its
    samples. Steps of whole minutes read the per-minute rollups; 10s, 15s, 20s and 30s read
    raw samples. At most 11,000 points per series.

    Args:
        name (str):
        service (str | Unset):
        label (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset): A metric step, 10s, 15s, 20s, 30s or whole minutes up to a day, such
            as `1m`, `5m`, `1h` or `1d`. Example: 5m.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MetricSeriesResult | Problem]
    """

    kwargs = _get_kwargs(
        name=name,
        service=service,
        label=label,
        from_=from_,
        to=to,
        step=step,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    service: str | Unset = UNSET,
    label: list[str] | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    step: str | Unset = UNSET,
) -> MetricSeriesResult | Problem | None:
    """Series of one metric

     Every series (service + labels) of the metric that matches the filters, with one point
    per `step` (aligned to the Unix epoch) holding count, sum, min, max and avg of its
    samples. Steps of whole minutes read the per-minute rollups; 10s, 15s, 20s and 30s read
    raw samples. At most 11,000 points per series.

    Args:
        name (str):
        service (str | Unset):
        label (list[str] | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        step (str | Unset): A metric step, 10s, 15s, 20s, 30s or whole minutes up to a day, such
            as `1m`, `5m`, `1h` or `1d`. Example: 5m.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MetricSeriesResult | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            name=name,
            service=service,
            label=label,
            from_=from_,
            to=to,
            step=step,
        )
    ).parsed
