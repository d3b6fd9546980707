"""An upload through one serving process, then read through another (``serve --jobs``,
``serve --join``): its blob stored where both reach it, its record appended once."""

from __future__ import annotations

import httpx


def upload_then_show(
    uploading: httpx.Client, reading: httpx.Client, headers: dict[str, str], name: str
) -> None:
    """PUT a small text file named ``name`` in the public collection through
    ``uploading``, then assert ``reading`` shows its document under that name."""
    uploaded = uploading.put(
        "/api/v1/documents",
        params={"name": name, "collection": "public"},
        content=f"Uploaded as {name}.\n".encode(),
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    shown = reading.get(f"/api/v1/documents/{uploaded.json()['record']}", headers=headers)
    assert shown.status_code == 200 and shown.json()["name"] == name, shown.text
