"""Nothing of a restricted collection reaches anyone it is hidden from, the public log included.

Every byte an anonymous visitor can fetch (each page and what it links to, every file of the
published log, the API, guessed document numbers) is searched for the restricted
collection's file names, its name and its texts, and for the SHA-256 of each of its files
the archive holds nowhere else and of their texts: a hostile visitor holding a copy of a
leaked file must not be able to confirm that the archive has it. A reviewer it is hidden
from gets the same answers for a query only its documents match as for one nothing matches.
"""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from erfurt.archive import Archive

from .conftest import FILES, RESTRICTED, Built, crawl, log_in, log_urls

UPLOADED = "uploaded-testimony-of-k.txt"
SECRETS = [RESTRICTED.encode(), b"secret-copy-of-order", b"witness-statement", b"Witness statement"]
SECRETS.append(UPLOADED.encode())


def _upload_into_the_restricted_collection(client: TestClient) -> None:
    log_in(client, "ana")
    csrf = client.cookies.get("erfurt_csrf")
    answer = client.put(
        "/api/v1/documents",
        params={"name": UPLOADED, "collection": RESTRICTED},
        content=b"Testimony of K about the night of the order.\n",
        headers={"x-csrf-token": csrf or ""},
    )
    assert answer.status_code == 201, answer.text
    client.cookies.clear()


def test_nothing_of_a_restricted_collection_is_public(client: TestClient, built: Built) -> None:
    _upload_into_the_restricted_collection(client)
    client.cookies.clear()
    with Archive.open(built.path) as archive:
        size = archive.size
        sealed = [r for _, r in archive.records(as_logged=True) if r.kind == "document.sealed"]
        opened = [r for _, r in archive.records(kinds={"document.added"})]
        # The private side still knows every name: the seal hides, it does not lose.
        private = [archive.read_blob(r["sealed"]) for r in sealed]
        digests = _digests_only_restricted_files_give(archive)
    seeds = ["/", "/login", "/verify", "/api/v1/openapi.json", "/catalog", "/algorithms"]
    seeds += [f"/tally?by={by}" for by in ("day", "month", "organisation", "place", "total")]
    seeds += [f"/api/v1/tally?by={by}" for by in ("day", "month", "organisation", "place")]
    seeds += log_urls(built.path)
    for index in range(size):  # guessed numbers
        seeds += [f"/documents/{index}", f"/documents/{index}/original"]
        seeds += [f"/documents/{index}/receipt", f"/api/v1/documents/{index}"]
        seeds += [f"/declarations/{index}/receipt", f"/entities/{index}"]
    seeds += [f"/api/v1/search?q={q}" for q in ("witness", "order", RESTRICTED)]
    seeds += [f"/search?q=witness&collection={RESTRICTED}"]
    fetched = crawl(client, seeds)

    assert any("/static/" in url for url in fetched), "the crawl followed no links"
    assert sum(url.startswith("/log/tile/entries/") for url in fetched) >= 1
    assert len(digests) == 2  # the statement and the upload (a plain text is its own text)
    for url, body in fetched.items():
        for secret in SECRETS + digests:
            assert secret.lower() not in body.lower(), f"{secret!r} is readable at {url}"
    assert len(sealed) == 3  # two files added from the folder, one uploaded
    assert {f"{RESTRICTED}/{UPLOADED}"} <= {f"{r['collection']}/{r['name']}" for r in opened}
    assert all(RESTRICTED.encode() in blob for blob in private)


def _digests_only_restricted_files_give(archive: Archive) -> list[bytes]:
    """SHA-256 (hex) of files only the restricted collection holds, and of their texts."""
    holders: dict[str, set[str]] = {}
    for _, record in archive.records(kinds={"document.added"}):
        holders.setdefault(record["blob"], set()).add(record["collection"])
    hidden = {blob for blob, collections in holders.items() if collections == {RESTRICTED}}
    digests = set(hidden)
    for _, record in archive.records(kinds={"text.extracted"}):
        if record["source"] in hidden:
            digests |= set(record.blobs().values())
    return sorted(digest.encode() for digest in digests)


def test_the_published_log_proves_sealed_documents_without_naming_them(built: Built) -> None:
    with Archive.open(built.path) as archive:
        index = built.documents[f"{RESTRICTED}/witness-statement.txt"]
        logged = archive.record(index, as_logged=True)
        entry = json.loads(archive.entry(index))
        proof = archive.prove(index)
    assert logged.kind == "document.sealed"
    assert set(entry) == {"kind", "v", "sealed", "time"}
    assert all(secret not in proof for secret in SECRETS)


def test_hidden_collections_change_no_answer_a_reviewer_gets(
    client: TestClient, built: Built
) -> None:
    log_in(client, "rita")

    def answer(query: str) -> object:
        response = client.get("/api/v1/search", params={"q": query})
        assert response.status_code == 200, response.text
        body = response.json()
        body.pop("query")
        return body

    only_hidden = "witness"  # in the restricted collection's texts alone
    assert not any(only_hidden in text.lower() for rel, text in FILES.items() if "public" in rel)
    assert answer(only_hidden) == answer("zzyzxnothingmatches")
    page = client.get("/search", params={"q": only_hidden}).content.lower()
    assert all(secret.lower() not in page for secret in SECRETS)
    log_in(client, "ana")  # allowed: the same query finds them
    assert client.get("/api/v1/search", params={"q": only_hidden}).json()["hits"]
    client.cookies.clear()
