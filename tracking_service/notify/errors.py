"""How a channel reports a failed delivery; the dispatcher decides retry or dead letter."""

from __future__ import annotations

import httpx

from tracking_service.urlguard import BlockedAddress


class DeliveryFailed(Exception):
    """``permanent``: retrying cannot help (bad address, 4xx); ``retry_after``: the peer asked us to wait."""

    def __init__(self, detail: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent
        self.retry_after = retry_after


def check_response(peer: str, response: httpx.Response) -> None:
    """Raise ``DeliveryFailed`` for a non-2xx answer: 408/409/425/429/5xx retry, other 4xx are permanent."""
    status = response.status_code
    if 200 <= status < 300:
        return
    retry_after = None
    header = response.headers.get("Retry-After")
    if header:
        try:
            retry_after = max(0.0, float(header))
        except ValueError:
            retry_after = None
    permanent = 400 <= status < 500 and status not in (408, 409, 425, 429)
    raise DeliveryFailed(f"{peer}: HTTP {status}", permanent=permanent, retry_after=retry_after)


async def post(peer: str, client: httpx.AsyncClient, url: str, **kwargs: object) -> httpx.Response:
    """POST and classify: transport errors retry, HTTP errors per ``check_response``."""
    return await send(peer, client, "POST", url, **kwargs)


async def send(peer: str, client: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> httpx.Response:
    try:
        response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except BlockedAddress as exc:
        raise DeliveryFailed(f"{peer}: refused to connect: {exc}", permanent=True) from exc
    except httpx.TimeoutException as exc:
        raise DeliveryFailed(f"{peer}: timeout") from exc
    except httpx.TransportError as exc:
        raise DeliveryFailed(f"{peer}: {type(exc).__name__}") from exc
    check_response(peer, response)
    return response
