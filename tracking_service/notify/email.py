"""Buyer email over SMTP (aiosmtplib): a text part and an HTML part."""

from __future__ import annotations

import html
from email.message import EmailMessage

import aiosmtplib

from tracking_service.config import SmtpSettings
from tracking_service.notify.errors import DeliveryFailed


def build_email(sender: str, to: str, subject: str, text: str, msg_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    # The outbox id makes the Message-ID stable across retries, so a re-send is recognisable.
    message["Message-ID"] = f"<{msg_id}@tracking-service>"
    message.set_content(text)
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return message


async def send_email(settings: SmtpSettings, message: EmailMessage) -> None:
    if not settings.host:
        raise DeliveryFailed("smtp: TRACKING_SMTP__HOST is not set", permanent=True)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password.get_secret_value() if settings.password else None,
            start_tls=settings.start_tls,
            use_tls=settings.use_tls,
            timeout=settings.timeout_seconds,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        raise DeliveryFailed("smtp: recipient refused", permanent=True) from exc
    except aiosmtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"smtp: {exc.code}", permanent=500 <= exc.code < 600) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"smtp: {type(exc).__name__}") from exc
