"""The fake Aliyun SMS server's signer (tests/notify/aliyun_spec.py) against Aliyun's own published example."""

from __future__ import annotations

from tests.notify.aliyun_spec import percent_encode, signature, string_to_sign

# https://developer.aliyun.com/ask/210168 (API 签名机制 示例): DescribeRegions with testid / testsecret.
EXAMPLE = {
    "TimeStamp": "2016-02-23T12:46:24Z",
    "Format": "XML",
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Version": "2014-05-26",
    "SignatureVersion": "1.0",
}


def test_published_example_string_to_sign_and_signature() -> None:
    assert string_to_sign("GET", EXAMPLE) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
        "%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    )
    assert signature("GET", EXAMPLE, "testsecret") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="
    assert signature("GET", {**EXAMPLE, "Signature": "ignored"}, "testsecret") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_percent_encoding_rules_of_the_docs() -> None:
    # A-Z a-z 0-9 - _ . ~ unencoded; space is %20 (not +); * is %2A; UTF-8 bytes as %XY; the quote is %22.
    assert percent_encode("Az09-_.~") == "Az09-_.~"
    assert percent_encode("a b*c") == "a%20b%2Ac"
    assert percent_encode('"') == "%22"
    assert percent_encode("张*") == "%E5%BC%A0%2A"
    assert percent_encode("+/=&") == "%2B%2F%3D%26"
