"""The client's IP: REMOTE_ADDR, or what our own proxies wrote into X-Forwarded-For."""

import pytest
from django.test import RequestFactory

from supportportal.net import address_block, client_ip

CLIENT = "198.51.100.7"
PROXY = "10.0.0.1"
OUTER_PROXY = "10.0.0.2"
FORGED = "6.6.6.6"


def request(remote=PROXY, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/login/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def proxies(settings):
    def trust(count):
        settings.TRUSTED_PROXY_COUNT = count

    return trust


def test_remote_addr_is_used_by_default(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0

    assert client_ip(request(remote=CLIENT)) == CLIENT


def test_forwarded_header_is_ignored_without_trusted_proxies(proxies):
    proxies(0)

    assert client_ip(request(remote=CLIENT, forwarded=FORGED)) == CLIENT


def test_with_one_trusted_proxy_the_last_entry_is_the_client(proxies):
    proxies(1)

    assert client_ip(request(forwarded=CLIENT)) == CLIENT


def test_with_one_trusted_proxy_forged_entries_on_the_left_are_ignored(proxies):
    proxies(1)

    assert client_ip(request(forwarded=f"{FORGED}, 7.7.7.7,{CLIENT}")) == CLIENT


def test_with_two_trusted_proxies_the_second_to_last_entry_is_the_client(proxies):
    proxies(2)

    assert client_ip(request(forwarded=f"{CLIENT}, {OUTER_PROXY}")) == CLIENT


def test_with_two_trusted_proxies_forged_entries_on_the_left_are_ignored(proxies):
    proxies(2)

    assert client_ip(request(forwarded=f"{FORGED}, {CLIENT}, {OUTER_PROXY}")) == CLIENT


@pytest.mark.parametrize("forwarded", ["not-an-ip", "999.1.1.1", f"{CLIENT}:4711", "unknown"])
def test_garbage_entry_falls_back_to_remote_addr(proxies, forwarded):
    proxies(1)

    assert client_ip(request(forwarded=f"{CLIENT}, {forwarded}")) == PROXY


@pytest.mark.parametrize("forwarded", [None, "", " , "])
def test_missing_or_empty_header_falls_back_to_remote_addr(proxies, forwarded):
    proxies(1)

    assert client_ip(request(forwarded=forwarded)) == PROXY


def test_fewer_entries_than_trusted_proxies_falls_back_to_remote_addr(proxies):
    proxies(2)

    assert client_ip(request(forwarded=CLIENT)) == PROXY


def test_ipv6_client_address_is_returned_normalised(proxies):
    proxies(1)

    assert client_ip(request(forwarded="2001:DB8:0:0::1")) == "2001:db8::1"


def test_invalid_remote_addr_gives_none():
    assert client_ip(request(remote="")) is None


@pytest.mark.parametrize(("ip", "block"), [
    ("198.51.100.7", "198.51.100.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
    ("::ffff:198.51.100.7", "198.51.100.7"),
    (None, ""),
    ("not an address", ""),
])
def test_address_block_is_the_ipv4_address_or_the_ipv6_64(ip, block):
    assert address_block(ip) == block
