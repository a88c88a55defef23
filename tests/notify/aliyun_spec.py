"""Aliyun RPC (POP) signature v1, written from Alibaba Cloud's public docs, not from tracking_service.

Sources (signature method of RPC APIs, SignatureVersion 1.0, SignatureMethod HMAC-SHA1):
- https://www.alibabacloud.com/help/en/sms/signature-method (Short Message Service: signature method)
- https://help.aliyun.com/zh/quick-bi/developer-reference/signatures and
  https://help.aliyun.com/document_detail/28839.html (签名机制: percentEncode, StringToSign, the "&" after the secret)
- the worked example at https://developer.aliyun.com/ask/210168 (DescribeRegions, AccessKeyId ``testid``,
  AccessKeySecret ``testsecret`` → ``CT9X0VtwR86fNWSnsc6v8YGOjuE=``), pinned by ``test_aliyun_signature.py``.

The procedure those pages give:

1. Sort every request parameter except ``Signature`` by name (dictionary order).
2. Encode each name and value as UTF-8 with percentEncode: the Java ``URLEncoder.encode(value, "UTF-8")``
   result (keeps ``A-Z a-z 0-9 . - * _``, space → ``+``, every other byte → ``%XY``) with ``+`` → ``%20``,
   ``*`` → ``%2A`` and ``%7E`` → ``~``: RFC 3986 unreserved characters only stay as they are.
3. Join ``name=value`` pairs with ``&``: the CanonicalizedQueryString.
4. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(CanonicalizedQueryString).
5. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", UTF-8 bytes of StringToSign)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from collections.abc import Mapping

# What java.net.URLEncoder leaves as it is.
_URLENCODER_KEEPS = frozenset(string.ascii_letters + string.digits + ".-*_")


def java_urlencode(text: str) -> str:
    """``URLEncoder.encode(text, "UTF-8")``, byte by byte."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in _URLENCODER_KEEPS:
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def percent_encode(text: str) -> str:
    """Aliyun's percentEncode: the URLEncoder result with + → %20, * → %2A, %7E → ~ (as the docs' Java)."""
    return java_urlencode(text).replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    signed = sorted((name, value) for name, value in params.items() if name != "Signature")
    canonical = "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in signed)
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"


def signature(method: str, params: Mapping[str, str], access_key_secret: str) -> str:
    key = (access_key_secret + "&").encode("utf-8")
    digest = hmac.new(key, string_to_sign(method, params).encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")
