"""Real local peers for notices: a Standard Webhooks receiver, an SMTP server, Zendesk, Chatwoot, SMS APIs."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.conftest import LiveService, create_key, create_tenant, free_port, make_settings, start_service
from tests.notify import aliyun_spec
from tracking_service.clock import FrozenClock

ALIYUN_KEY_ID = "LTAI-test"
ALIYUN_SECRET = "aliyun-secret"
TWILIO = ("AC123", "twilio-token")


@dataclass
class Peers:
    """Everything the fake peers received, plus knobs to make them fail."""

    base_url: str = ""
    smtp_port: int = 0
    webhook_secret: str | None = None
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    webhook_failures: list[int] = field(default_factory=list)  # statuses to answer before succeeding
    mails: list[Message] = field(default_factory=list)
    zendesk: list[tuple[str, str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    zendesk_failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    chatwoot: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    sms: list[dict[str, str]] = field(default_factory=list)


class _SmtpHandler:
    def __init__(self, peers: Peers) -> None:
        self.peers = peers

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.peers.mails.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _peer_app(peers: Peers) -> web.Application:
    app = web.Application()

    async def webhook(request: web.Request) -> web.Response:
        body = await request.read()
        if peers.webhook_failures:
            return web.Response(status=peers.webhook_failures.pop(0))
        try:
            Webhook(peers.webhook_secret or "").verify(body, dict(request.headers))
        except WebhookVerificationError:
            return web.Response(status=401)
        peers.webhooks.append({"id": request.headers["webhook-id"], "body": json.loads(body)})
        return web.Response(status=204)

    async def zendesk_create(request: web.Request) -> web.Response:
        if peers.zendesk_failures:
            status, headers = peers.zendesk_failures.pop(0)
            return web.Response(status=status, headers=headers)
        body = await request.json()
        assert set(body["ticket"]) >= {"subject", "comment", "external_id"}
        assert body["ticket"]["comment"]["public"] is False
        peers.zendesk.append(("create", request.path, body, dict(request.headers)))
        return web.json_response({"ticket": {"id": 4242}}, status=201)

    async def zendesk_update(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["ticket"]["comment"]["public"] is False
        peers.zendesk.append(("update", request.path, body, dict(request.headers)))
        return web.json_response({"ticket": {"id": 4242}})

    async def chatwoot_contact(request: web.Request) -> web.Response:
        assert request.headers["api_access_token"] == "cw-token"
        body = await request.json()
        peers.chatwoot.append(("contact", body))
        return web.json_response({"payload": {"contact": {"id": 7, "contact_inboxes": [{"source_id": "src-7"}]}}})

    async def chatwoot_conversation(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["source_id"] == "src-7" and body["contact_id"] == 7
        peers.chatwoot.append(("conversation", body))
        return web.json_response({"id": 99})

    async def chatwoot_message(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["private"] is True and body["message_type"] == "outgoing"
        peers.chatwoot.append(("message:" + request.match_info["conversation"], body))
        return web.json_response({"id": 1})

    async def twilio(request: web.Request) -> web.Response:
        sid, token = TWILIO
        expected = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.match_info["sid"] != sid:
            return web.json_response({"code": 20003}, status=401)
        form = dict(await request.post())
        assert set(form) == {"To", "From", "Body"}
        peers.sms.append({"provider": "twilio", **{k: str(v) for k, v in form.items()}})
        return web.json_response({"sid": "SM1", "status": "queued"}, status=201)

    async def aliyun(request: web.Request) -> web.Response:
        # Verified with the test's own reading of Aliyun's RPC signature v1 (tests/notify/aliyun_spec.py, sources
        # cited there), over the method the request actually came with, never with the production signer.
        form = {k: str(v) for k, v in (await request.post()).items()}
        signature = form.pop("Signature", "")
        if (
            form.get("SignatureMethod") != "HMAC-SHA1"
            or form.get("SignatureVersion") != "1.0"
            or not form.get("SignatureNonce")
            or form.get("AccessKeyId") != ALIYUN_KEY_ID
            or signature != aliyun_spec.signature(request.method, form, ALIYUN_SECRET)
        ):
            return web.json_response({"Code": "SignatureDoesNotMatch"}, status=400)
        if form.get("Action") != "SendSms":
            return web.json_response({"Code": "InvalidAction.NotFound"}, status=400)
        peers.sms.append({"provider": "aliyun", **form})
        return web.json_response({"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "r"})

    app.router.add_post("/hook", webhook)
    app.router.add_post("/zendesk/api/v2/tickets.json", zendesk_create)
    app.router.add_put("/zendesk/api/v2/tickets/{id}.json", zendesk_update)
    app.router.add_post("/chatwoot/api/v1/accounts/{account}/contacts", chatwoot_contact)
    app.router.add_post("/chatwoot/api/v1/accounts/{account}/conversations", chatwoot_conversation)
    app.router.add_post("/chatwoot/api/v1/accounts/{account}/conversations/{conversation}/messages", chatwoot_message)
    app.router.add_post("/twilio/2010-04-01/Accounts/{sid}/Messages.json", twilio)
    app.router.add_post("/aliyun/", aliyun)
    return app


# 11:00 in Shanghai: outside the default quiet hours (22:00–08:00) of the test shop.
DAYTIME = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(DAYTIME)


@pytest.fixture
async def peers() -> AsyncIterator[Peers]:
    state = Peers()
    runner = web.AppRunner(_peer_app(state))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state.base_url = f"http://127.0.0.1:{port}"
    state.smtp_port = free_port()
    smtp = Controller(_SmtpHandler(state), hostname="127.0.0.1", port=state.smtp_port)
    smtp.start()
    yield state
    smtp.stop()
    await runner.cleanup()


def sms_settings(peers: Peers, provider: str) -> dict[str, Any]:
    if provider == "twilio":
        return {
            "provider": "twilio",
            "base_url": peers.base_url + "/twilio",
            "account_sid": TWILIO[0],
            "auth_token": TWILIO[1],
            "from_number": "+15550001111",
        }
    return {
        "provider": "aliyun",
        "base_url": peers.base_url + "/aliyun",
        "access_key_id": ALIYUN_KEY_ID,
        "access_key_secret": ALIYUN_SECRET,
        "sign_name": "演示店铺",
        "template_code": "SMS_1",
    }


@pytest.fixture(params=["twilio"])
def sms_provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def notify_service(
    db_dsn: str, clock: FrozenClock, peers: Peers, sms_provider: str
) -> AsyncIterator[LiveService]:
    settings = make_settings(
        db_dsn,
        free_port(),
        smtp={"host": "127.0.0.1", "port": peers.smtp_port, "sender": "Shop <shop@example.test>"},
        sms=sms_settings(peers, sms_provider),
        notify={"enabled": False},
    )
    live, runner = await start_service(settings, clock)
    yield live
    await runner.cleanup()


@pytest.fixture
async def notify_admin(notify_service: LiveService) -> AsyncIterator[httpx.AsyncClient]:
    async with notify_service.client() as client:
        yield client


@pytest.fixture
async def notify_shop(notify_service: LiveService, notify_admin: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    await create_tenant(notify_admin, "shop-n", timezone="Asia/Shanghai")
    key = await create_key(notify_admin, "agent", ["shop-n"])
    async with notify_service.client(key) as client:
        yield client
