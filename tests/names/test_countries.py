"""Country names and codes."""

from __future__ import annotations

from erfurt.names.countries import country_code


def test_country_names_and_codes_give_the_iso_code() -> None:
    assert country_code("Mexico") == "mx"
    assert country_code("  united   KINGDOM ") == "gb"
    assert country_code("Korea, North") == "kp"
    assert country_code("Trinidad and Tobago") == "tt"  # "&" in the table
    assert country_code("de") == "de"
    assert country_code("Atlantis") is None
