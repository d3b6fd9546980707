"""Login rate limits cannot be escaped by flooding addresses or hopping within an IPv6 /64."""

from __future__ import annotations

from erfurt.web.security import RateLimiter, client_key


def test_an_ipv6_client_is_counted_by_its_64() -> None:
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff:0:0:9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:192.0.2.7") == client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("198.51.100.1") != client_key("198.51.100.2")
    assert client_key("testclient") == "testclient"  # not an address: counted as given


def test_a_flood_of_addresses_does_not_reset_a_limited_one() -> None:
    now = 1_000.0
    limiter = RateLimiter(lambda: now, burst=3, per_minute=1, max_keys=10)
    assert [limiter.allow("attacker") for _ in range(4)] == [True, True, True, False]
    flood = [limiter.allow(f"2001:db8:{n:x}::/64") for n in range(50)]
    assert flood.count(True) == 9  # the table is full: further new keys wait
    assert limiter.allow("attacker") is False  # still limited after the flood
    now += 3 * 60  # the flood's buckets refill and are forgotten; the attacker's too
    assert limiter.allow("someone new") is True
