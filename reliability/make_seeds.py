#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/corpus/<target>/.

Sources: the endpoint table's examples (`wxpresign endpoints --json`), the protocol spec's vectors
(tests/data holds copies of its key files; the values below are those of
shared/spec/vectors/vectors.json and shared/spec/apiv3-protocol.md), and a few malformed cases per
target. Rerun after the endpoint table changes:

    cargo run -q -- endpoints --json > /tmp/endpoints.json
    python3 reliability/make_seeds.py /tmp/endpoints.json

The input formats are described at the top of each fuzz/fuzz_targets/<target>.rs.
"""

import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "fuzz" / "corpus"


def pem(name):
    return (DATA / name).read_text()


GO_KEY = pem("go_test_private_key.pem")
GO_CERT = pem("go_test_cert_D7CE59D1F522D701.pem")
OFFICIAL_PUB = pem("official_doc_wechatpay_public_key_PUB_KEY_ID_0000000000000024101100397200000006.pem")
PUB_KEY_ID = "PUB_KEY_ID_0000000000000024101100397200000006"

# spec §6.8, official response-verification example (public-key mode)
OFFICIAL_HEADERS = {
    "Request-ID": "08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0",
    "Wechatpay-Nonce": "d824f2e086d3c1df967785d13fcd22ef",
    "Wechatpay-Signature": "mfI1CPqvBrgcXfgXMFjdNIhBf27ACE2YyeWsWV9ZI7T7RU0vHvbQpu9Z32ogzc+k8ZC5n3kz7h70eWKjgqNdKQF0eRp8mVKlmfzMLBVHbssB9jEZEDXThOX1XFqX7s7ymia1hoHQxQagPGzkdWxtlZPZ4ZPvr1RiqkgAu6Is8MZgXXrRoBKqjmSdrP1N7uxzJ/cjfSiis9FiLjuADoqmQ1P7p2N876YPAol7Rn0+GswwAwxldbdLrmVSjfytfSBJFqTMHn4itojgxSWWN1byuckQt8hSTEv/Lg97QoeGniYP17T80pJeQyL3b+295FPHSO2AtvCgyIbKMZ0BALilAA==",
    "Wechatpay-Timestamp": "1722850421",
    "Wechatpay-Serial": PUB_KEY_ID,
    "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": "52",
}
OFFICIAL_BODY = '{"code_url":"weixin://wxpay/bizpayurl?pr=JyC91EIz1"}'

# spec §6.2, wechatpay-go callback
GO_HEADERS = {
    "Content-Type": "application/json",
    "Wechatpay-Nonce": "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
    "Wechatpay-Timestamp": "1624523846",
    "Wechatpay-Serial": "D7CE59D1F522D701",
    "Wechatpay-Signature": "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==",
}
GO_BODY = '{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}'
# spec §6.9 probe
PROBE_SIGNATURE = "WECHATPAY/SIGNTEST/2sWfO+6tVVsZonOXBXHOrle0TugJ31jDV3iGpjFchMYEyEZ48LxAmfW2gMXkP7Ce1OLORt7wHxkgBwTBHn9/JpPBwDFjiHMhSQCEYkk/gIXdO1E7dz6fnMmMqmI2urSR8WDWAG0jdIGFbnykjVFrQa7E1RhNNEIz476tmfj5Zp7W/kE1q7cxZIPumELjwfZHXybvrFMuYNEcf8Eq50V+I1e5onuIAa3RIuIIy30Kl2RANQJx1inQ0SirJjFtONAcPnLDWpeJuVCfRPLXE4ra5qsSwxbUDvnCAbTkz4L1mSZ/zyv80hd9t8upwSLbLiYJWV97N04Pb74zCg=="
ENTRUST_SIGN_RESOURCE = {
    "mchid": "1230000109", "contract_id": "Wx15463511252015071056489715", "appid": "wxcbda96de0b165486",
    "plan_id": "12535", "out_contract_code": "1234323JKHDFE1243252", "contract_state": "SIGNED",
    "contract_signed_time": "2015-07-01T10:00:00+08:00", "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
}
API_ERROR = '{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/currency","value":"XYZ","issue":"Currency code is invalid","location":"body"}}'


def base_config():
    return {
        "mchid": "1900007291",
        "merchant_serial_no": "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
        "merchant_private_key": GO_KEY,
        "wechatpay_public_key_id": PUB_KEY_ID,
        "wechatpay_public_key": OFFICIAL_PUB,
        "apiv3_key": "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
        "base_url": "http://127.0.0.1:9",
    }


def write(target, name, data):
    path = CORPUS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def j(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def config_seeds():
    t = "config_json"
    c = base_config()
    write(t, "public_key_mode.json", j(c))
    cert = {k: v for k, v in c.items() if not k.startswith("wechatpay_public_key")}
    cert["platform_certificates"] = [GO_CERT]
    write(t, "certificate_mode.json", j(cert))
    both = dict(c, platform_certificates=[GO_CERT], timeout_ms=5000, connect_timeout_ms=1000,
                user_agent="shop/1.0", allow_unknown_fields=True, backup_failover=False)
    write(t, "both_modes.json", j(both))
    files = {k: v for k, v in cert.items() if k not in ("merchant_private_key", "platform_certificates")}
    files["merchant_private_key_file"] = "tests/data/go_test_private_key.pem"
    files["platform_certificate_files"] = ["tests/data/go_test_cert_D7CE59D1F522D701.pem"]
    write(t, "key_files.json", j(files))
    write(t, "extra_ca_pem.json", j(dict(c, extra_ca_pem=GO_CERT, base_url="https://127.0.0.1:8443")))
    write(t, "backup_url.json", j(dict(c, base_url="https://api.mch.weixin.qq.com",
                                         backup_base_url="https://api2.mch.weixin.qq.com")))
    write(t, "pkcs1_private_key_label.json", j(dict(c, merchant_private_key=GO_KEY.replace("PRIVATE KEY", "RSA PRIVATE KEY"))))
    write(t, "crlf_pem.json", j(dict(c, merchant_private_key=GO_KEY.replace("\n", "\r\n"))))
    write(t, "truncated_key.json", j(dict(c, merchant_private_key=GO_KEY[: len(GO_KEY) // 2])))
    write(t, "certificate_as_public_key.json", j(dict(c, wechatpay_public_key=GO_CERT)))
    write(t, "key_in_extra_ca.json", j(dict(c, extra_ca_pem=GO_KEY)))
    write(t, "short_apiv3_key.json", j(dict(c, apiv3_key="a7cde1ZJB1kG2e7VfTs3jQzaWizur8G")))
    write(t, "mchid_letters.json", j(dict(c, mchid="19000x7291")))
    write(t, "serial_is_pub_key_id.json", j(dict(c, merchant_serial_no=PUB_KEY_ID)))
    write(t, "http_remote.json", j(dict(c, base_url="http://api.mch.weixin.qq.com")))
    write(t, "url_with_path.json", j(dict(c, base_url="https://h/v3?x#y")))
    write(t, "ipv6_loopback.json", j(dict(c, base_url="http://[::1]:8080")))
    write(t, "timeout_zero.json", j(dict(c, timeout_ms=0)))
    write(t, "user_agent_control.json", j(dict(c, user_agent="a\u0007b\u4e2d")))
    write(t, "unknown_member.json", j(dict(c, merchant_id="1")))
    write(t, "pem_in_path.json", j(dict({k: v for k, v in c.items() if k != "merchant_private_key"},
                                        merchant_private_key_file=GO_KEY)))
    write(t, "missing_file.json", j(dict({k: v for k, v in c.items() if k != "merchant_private_key"},
                                         merchant_private_key_file="no/such/file.pem")))
    write(t, "wrong_types.json", '{"mchid":1900007291,"timeout_ms":"5000","apiv3_key":["x"]}')
    write(t, "duplicate_member.json", '{"mchid":"1","mchid":"2"}')
    write(t, "not_an_object.json", '["mchid"]')
    write(t, "empty.json", "")
    write(t, "deep.json", "[" * 200 + "]" * 200)
    write(t, "truncated.json", j(c)[:300])


def request_seeds(endpoints):
    t = "request_json"
    n = len(endpoints)
    for i, e in enumerate(endpoints):
        write(t, f"example_{i:02}.bin", bytes([i]) + j(e["example"]).encode())
    edu = next(i for i, e in enumerate(endpoints) if e["path"] == "v3/edu-papay/contracts/presign")
    ex = endpoints[edu]["example"]
    enc = next((i for i, e in enumerate(endpoints) if e["needs_wechatpay_serial"]), edu)
    write(t, "allow_unknown_extra_field.bin", bytes([edu + n]) + j(dict(ex, extra={"x": [1, 2.5, None]})).encode())
    write(t, "unknown_field.bin", bytes([edu]) + j(dict(ex, extra=1)).encode())
    write(t, "duplicate_member.bin", bytes([edu]) + b'{"appid":"wx1","appid":"wx2"}')
    write(t, "emoji.bin", bytes([edu]) + j(dict(ex, user_id="tony\U0001F600")).encode())
    write(t, "wrong_type.bin", bytes([edu]) + j(dict(ex, user_id=5)).encode())
    write(t, "missing_required.bin", bytes([edu]) + b"{}")
    write(t, "bad_date.bin", bytes([edu]) + j(dict(ex, period_start_date="2026-02-30")).encode())
    write(t, "not_an_object.bin", bytes([edu]) + b"[1,2,3]")
    write(t, "big_number.bin", bytes([edu + n]) + j(dict(ex, n=18446744073709551616)).encode().replace(b"18446744073709551616", b"1e400"))
    long_name = "张" * 80
    write(t, "long_text.bin", bytes([edu]) + j(dict(ex, user_id=long_name)).encode())
    e_ex = endpoints[enc]["example"]
    if "real_identity" in e_ex:
        long_secret = dict(e_ex, real_identity=dict(e_ex["real_identity"], real_name=long_name))
        write(t, "long_encrypted_field.bin", bytes([enc]) + j(long_secret).encode())
    if "contract_notify_url" in e_ex:
        query = dict(e_ex, contract_notify_url="https://yourapp.com/notify?a=1")
        write(t, "notify_url_query.bin", bytes([enc]) + j(query).encode())
        plain = dict(e_ex, contract_notify_url="http://yourapp.com/notify")
        write(t, "notify_url_http.bin", bytes([enc]) + j(plain).encode())
    write(t, "deep.bin", bytes([edu]) + b"[" * 130 + b"]" * 130)

def response_seeds():
    t = "response_verify"

    def lines(headers):
        return "".join(f"{k}: {v}\n" for k, v in headers.items())

    write(t, "official_response.bin", b"\x00" + (lines(OFFICIAL_HEADERS) + "\n" + OFFICIAL_BODY).encode())
    write(t, "go_callback.bin", b"\x01" + (lines(GO_HEADERS) + "\n" + GO_BODY).encode())
    write(t, "resigned_official.bin", b"\x02" + (lines(OFFICIAL_HEADERS) + "\n" + OFFICIAL_BODY).encode())
    write(t, "resigned_empty_body.bin", b"\x03" + lines({"Wechatpay-Nonce": "n"}).encode() + b"\n")
    probe = dict(GO_HEADERS, **{"Wechatpay-Signature": PROBE_SIGNATURE})
    write(t, "probe.bin", b"\x01" + (lines(probe) + "\n" + GO_BODY).encode())
    write(t, "duplicate_signature.bin", b"\x00" + (lines(OFFICIAL_HEADERS) + "wechatpay-signature: x\n\n" + OFFICIAL_BODY).encode())
    sm2 = dict(OFFICIAL_HEADERS, **{"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"})
    write(t, "sm2.bin", b"\x00" + (lines(sm2) + "\n" + OFFICIAL_BODY).encode())
    iso = dict(GO_HEADERS, **{"Wechatpay-Timestamp": "2021-06-24T16:37:26+08:00"})
    write(t, "iso_timestamp.bin", b"\x01" + (lines(iso) + "\n" + GO_BODY).encode())
    lower = dict(GO_HEADERS, **{"Wechatpay-Serial": "0d7ce59d1f522d701"})
    write(t, "lower_case_serial.bin", b"\x01" + (lines(lower) + "\n" + GO_BODY).encode())
    unknown = dict(GO_HEADERS, **{"Wechatpay-Serial": "F5765756002FDD77"})
    write(t, "unknown_serial.bin", b"\x01" + (lines(unknown) + "\n" + GO_BODY).encode())
    missing = {k: v for k, v in OFFICIAL_HEADERS.items() if k != "Wechatpay-Nonce"}
    write(t, "missing_nonce.bin", b"\x00" + (lines(missing) + "\n" + OFFICIAL_BODY).encode())
    write(t, "trailing_newline.bin", b"\x00" + (lines(OFFICIAL_HEADERS) + "\n" + OFFICIAL_BODY + "\n").encode())
    write(t, "empty.bin", b"")


def http_seeds():
    t = "http_answer"
    token = '{"presign_token":"ab4Ty7mDb5NWgTTAAAAAA","contract_id":null}'
    write(t, "signed_200.bin", ("\x00HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                f"Content-Length: {len(token)}\r\nRequest-ID: 08F5B8C2-0\r\n\r\n{token}").encode())
    write(t, "signed_204.bin", b"\x00HTTP/1.1 204 No Content\r\n\r\n")
    write(t, "signed_chunked.bin", b"\x00HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n")
    write(t, "signed_not_json.bin", b"\x00HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    write(t, "signed_short_body.bin", b"\x00HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"a\":1}")
    err = API_ERROR.encode()
    write(t, "param_error_400.bin", b"\x01HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nRequest-ID: 08E68E97-268435461\r\nContent-Length: "
          + str(len(err)).encode() + b"\r\n\r\n" + err)
    sign_error = '{"code":"SIGN_ERROR","message":"签名错误"}'.encode()
    write(t, "sign_error_401.bin", b"\x01HTTP/1.1 401 Unauthorized\r\nContent-Length: "
          + str(len(sign_error)).encode() + b"\r\n\r\n" + sign_error)
    write(t, "rate_limited_429.bin", b"\x01HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n")
    write(t, "html_502.bin", b"\x01HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html><body>502 Bad Gateway</body></html>")
    write(t, "unsigned_200.bin", b"\x01HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    write(t, "duplicate_headers.bin", b"\x01HTTP/1.1 200 OK\r\nWechatpay-Nonce: a\r\nWechatpay-Nonce: b\r\nContent-Length: 2\r\n\r\n{}")
    write(t, "two_content_lengths.bin", b"\x01HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
    write(t, "non_ascii_header.bin", "\x01HTTP/1.1 200 OK\r\nX-Note: 中文\r\nContent-Length: 2\r\n\r\n{}".encode())
    write(t, "bad_status_line.bin", b"\x01HTTP/1.1 abc\r\n\r\n")
    write(t, "huge_content_length.bin", b"\x01HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{}")
    write(t, "invalid_utf8_body.bin", b"\x00HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\"\xff\xfe\"")
    write(t, "nothing.bin", b"\x01")


def proxy_seeds():
    t = "proxy_connect"
    token = '{"presign_token":"ab4Ty7mDb5NWgTTAAAAAA","contract_id":null}'
    answer = ("\x00HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              f"Content-Length: {len(token)}\r\nRequest-ID: 08F5B8C2-0\r\n\r\n{token}").encode()
    tunnel = b"\n\n\n"
    write(t, "established_signed_200.bin", b"HTTP/1.1 200 Connection established\r\n\r\n" + tunnel + answer)
    write(t, "established_http10.bin", b"HTTP/1.0 200 Connection established\r\nProxy-Agent: tinyproxy/1.11.1\r\n\r\n" + tunnel + answer)
    write(t, "established_then_closed.bin", b"HTTP/1.1 200 OK\r\n\r\n" + tunnel)
    write(t, "auth_required_407.bin", b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"squid\"\r\nContent-Length: 0\r\n\r\n" + tunnel)
    write(t, "forbidden_403.bin", b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nForbidden" + tunnel)
    write(t, "bad_gateway_502.bin", b"HTTP/1.1 502 Bad Gateway\r\n\r\n" + tunnel)
    write(t, "truncated_head.bin", b"HTTP/1.1 200 Conn" + tunnel)
    write(t, "garbage.bin", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + tunnel)
    write(t, "nothing.bin", b"")


def notification_seeds():
    t = "notification"
    headers = j(GO_HEADERS)
    # flags: bit0 clock (0 = Go vector), bit1 re-sign, bit2 seal, bits3-4 key (0 Go, 1 Java, 2 none, 3 bad)
    write(t, "go_callback.bin", b"\x00" + (headers + "\n" + GO_BODY).encode())
    write(t, "go_callback_no_key.bin", b"\x10" + (headers + "\n" + GO_BODY).encode())
    write(t, "go_callback_bad_key.bin", b"\x18" + (headers + "\n" + GO_BODY).encode())
    write(t, "go_callback_java_key.bin", b"\x08" + (headers + "\n" + GO_BODY).encode())
    write(t, "go_callback_wrong_clock.bin", b"\x01" + (headers + "\n" + GO_BODY).encode())
    arrays = j({k: [v] for k, v in GO_HEADERS.items()})
    write(t, "psr7_arrays.bin", b"\x00" + (arrays + "\n" + GO_BODY).encode())
    write(t, "two_values.bin", b"\x00" + (j(dict(GO_HEADERS, **{"Wechatpay-Nonce": ["a", "b"]})) + "\n" + GO_BODY).encode())
    write(t, "number_value.bin", b"\x00" + (j(dict(GO_HEADERS, **{"Wechatpay-Timestamp": 1624523846})) + "\n" + GO_BODY).encode())
    write(t, "headers_not_object.bin", b"\x00" + ("[]\n" + GO_BODY).encode())
    write(t, "headers_not_json.bin", b"\x00{\n" + GO_BODY.encode())

    def envelope(**changes):
        resource = {"original_type": "entrust", "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": j(ENTRUST_SIGN_RESOURCE), "associated_data": "entrust", "nonce": "uluk4a9R25RW"}
        body = {"id": "EV-2018022511223320873", "create_time": "2015-05-20T13:29:35+08:00",
                "resource_type": "encrypt-resource", "event_type": "ENTRUST.SIGN", "summary": "签约成功",
                "resource": resource}
        for k, v in changes.items():
            if k.startswith("r_"):
                resource[k[2:]] = v
            elif v is None:
                body.pop(k)
            else:
                body[k] = v
        return j(body)

    h = j({"Wechatpay-Nonce": "n0nce", "Request-ID": "r"})
    write(t, "sealed_java_key.bin", b"\x0e" + (h + "\n" + envelope()).encode())
    write(t, "sealed_go_key.bin", b"\x06" + (h + "\n" + envelope()).encode())
    write(t, "sealed_no_ad.bin", b"\x0e" + (h + "\n" + envelope(r_associated_data=None)).encode())
    write(t, "sealed_bad_algorithm.bin", b"\x0e" + (h + "\n" + envelope(r_algorithm="AEAD_SM4_GCM")).encode())
    write(t, "sealed_no_id.bin", b"\x0e" + (h + "\n" + envelope(id=None)).encode())
    write(t, "sealed_event_type_number.bin", b"\x0e" + (h + "\n" + envelope(event_type=1)).encode())
    write(t, "sealed_plaintext_not_json.bin", b"\x0e" + (h + "\n" + envelope(r_ciphertext="SIGNED")).encode())
    write(t, "sealed_short_nonce.bin", b"\x0e" + (h + "\n" + envelope(r_nonce="abc")).encode())
    write(t, "signed_not_sealed.bin", b"\x0a" + (h + "\n" + envelope()).encode())
    write(t, "signed_not_json.bin", b"\x0a" + (h + "\nid=1&event_type=x").encode())
    write(t, "empty.bin", b"")


def c_abi_seeds(endpoints):
    t = "c_abi"
    config = j(base_config())
    write(t, "client_new_valid.bin", b"\x00\x00" + config.encode())
    write(t, "client_new_valid_no_error_out.bin", b"\x00\x01" + config.encode())
    write(t, "client_new_invalid.bin", b"\x00\x00" + b'{"mchid":"1"}')
    write(t, "client_new_invalid_utf8.bin", b"\x00\x00" + b'{"mchid":"\xff"}')
    edu = next(e for e in endpoints if e["path"] == "v3/edu-papay/contracts/presign")
    write(t, "call_edu.bin", b"\x01\x00" + edu["path"].encode() + b"\x00" + j(edu["example"]).encode())
    write(t, "call_slash.bin", b"\x01\x00/" + edu["path"].encode() + b"\x00" + j(edu["example"]).encode())
    write(t, "call_unknown_endpoint.bin", b"\x01\x00v3/nope\x00{}")
    write(t, "call_invalid_utf8.bin", b"\x01\x00" + edu["path"].encode() + b"\x00{\"appid\":\"\xc3\x28\"}")
    for i in (0, 9, 21, 36):
        e = endpoints[i % len(endpoints)]
        write(t, f"function_{i:02}.bin", b"\x02" + bytes([i]) + j(e["example"]).encode())
    write(t, "function_bad_request.bin", b"\x02\x05{\"a\":")
    write(t, "notification_go.bin", b"\x03\x00" + j(GO_HEADERS).encode() + b"\x00" + GO_BODY.encode())
    write(t, "notification_nul_body.bin", b"\x03\x00{}\x00{\"id\x00\":1}")
    for mask in (1, 2, 4, 8, 16 | 4, 32 | 64, 32 | 128):
        write(t, f"null_mask_{mask:03}.bin", b"\x04" + bytes([mask]) + b"v3/edu-papay/contracts/presign\x00{}")
    write(t, "endpoints.bin", b"\x05\x00")


def main():
    endpoints = json.loads(pathlib.Path(sys.argv[1]).read_text())
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    config_seeds()
    request_seeds(endpoints)
    response_seeds()
    http_seeds()
    proxy_seeds()
    notification_seeds()
    c_abi_seeds(endpoints)
    for d in sorted(CORPUS.iterdir()):
        print(f"{d.name}: {len(list(d.iterdir()))} seeds")


if __name__ == "__main__":
    main()
