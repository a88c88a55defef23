"""Buyer SMS through a provider: Aliyun SendSms (RPC, HMAC-SHA1 signature) or Twilio Messages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

import httpx

from tracking_service.config import SmsSettings
from tracking_service.notify.errors import DeliveryFailed, post, send


class SmsProvider(Protocol):
    async def send_sms(self, client: httpx.AsyncClient, phone: str, text: str, now: datetime) -> None: ...


def _pct(value: str) -> str:
    """Aliyun's percent-encoding (RFC 3986: space → %20, * → %2A, ~ kept)."""
    return quote(value, safe="~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_pct('/')}&{_pct(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    """Aliyun Dysms ``SendSms`` (API version 2017-05-25). The template takes the text as ``content``."""

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    async def send_sms(self, client: httpx.AsyncClient, phone: str, text: str, now: datetime) -> None:
        s = self.settings
        secret = s.access_key_secret.get_secret_value() if s.access_key_secret else ""
        params = {
            "AccessKeyId": s.access_key_id or "",
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": s.sign_name or "",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": s.template_code or "",
            "TemplateParam": json.dumps({"content": text}, ensure_ascii=False),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, secret)
        response = await post("aliyun_sms", client, s.base_url.rstrip("/") + "/", data=params)
        body = response.json()
        code = body.get("Code")
        if code == "OK":
            return
        if code in ("Throttling.User", "isv.BUSINESS_LIMIT_CONTROL"):
            raise DeliveryFailed(f"aliyun_sms: {code}")
        raise DeliveryFailed(f"aliyun_sms: {code}", permanent=True)


class TwilioSms:
    """Twilio Programmable Messaging: ``POST /2010-04-01/Accounts/{sid}/Messages.json``."""

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    async def send_sms(self, client: httpx.AsyncClient, phone: str, text: str, now: datetime) -> None:
        s = self.settings
        token = s.auth_token.get_secret_value() if s.auth_token else ""
        url = f"{s.base_url.rstrip('/')}/2010-04-01/Accounts/{s.account_sid}/Messages.json"
        await send(
            "twilio",
            client,
            "POST",
            url,
            data={"To": phone, "From": s.from_number or "", "Body": text},
            auth=(s.account_sid or "", token),
        )


def sms_provider(settings: SmsSettings) -> SmsProvider | None:
    if settings.provider == "aliyun":
        return AliyunSms(settings)
    if settings.provider == "twilio":
        return TwilioSms(settings)
    return None
