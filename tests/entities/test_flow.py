"""Extraction, review and export from the command line on a real archive: decisions hold
for later runs, runs append and never rewrite, the FtM export reads back in followthemoney."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from followthemoney import model

from erfurt.archive import Archive
from erfurt.cli import cli

ENGLISH = (
    "PRESS RELEASE\n\nSecretary for Security John Lee met Commissioner of Police Chris Tang. "
    "Carrie Lam, Chief Executive since July 2017, attended.\fPage two: Lam Cheng Yuet-ngor "
    "spoke. Contact carrie.lam@example.org.\n"
)
CHINESE = "任命陈志明同志为行动科科长。\n行政長官林鄭月娥會見國務院港澳事務辦公室主任夏寶龍。\n"
LIST = [
    {"id": "hk-lam", "schema": "Person",
     "properties": {"name": ["LAM, Carrie"], "alias": ["LAM CHENG, Yuet-ngor"]}},
    {"id": "hk-xia", "schema": "Person", "properties": {"name": ["XIA, Baolong"]}},
]  # fmt: skip


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def ok(*args: str | Path) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("entities")
    path, docs = root / "arch", root / "docs"
    docs.mkdir()
    (docs / "release.txt").write_text(ENGLISH, encoding="utf-8")
    (docs / "任命通知.txt").write_text(CHINESE, encoding="utf-8")
    (docs / "nameless").write_bytes("保安局局长李家超今日表示。".encode())
    listed = root / "officials.json"
    listed.write_text("".join(json.dumps(e) + "\n" for e in LIST), encoding="utf-8")
    ok("init", "--archive", path, "--who", "tester")
    ok("add", docs, "--archive", path, "--who", "tester", "--quiet")
    ok("lists", "import", "ftm", listed, "--archive", path, "--who", "tester")
    extracted = json.loads(ok("entities", "extract", "--archive", path, "--json").stdout)
    assert extracted["texts"] == 3 and extracted["claims"] >= 5
    return path


def _show(path: Path, entity: str) -> dict[str, object]:
    return json.loads(ok("entities", "show", entity, "--archive", path, "--json").stdout)  # type: ignore[no-any-return]


def _listed(path: Path, *options: str) -> list[dict[str, Any]]:
    shown = json.loads(ok("entities", "list", "--archive", path, "--json", *options).stdout)
    assert shown["total"] == len(shown["entities"]) or "--limit" in options
    return shown["entities"]  # type: ignore[no-any-return]


def test_one_list_entry_is_named_in_three_forms_and_two_documents(archive: Path) -> None:
    lam = _show(archive, "hk-lam")
    assert set(lam["names"]) == {"Carrie Lam", "Lam Cheng Yuet-ngor", "林鄭月娥"}  # type: ignore[arg-type]
    pages = {(m["document"], m["page"]) for m in lam["mentions"]}  # type: ignore[attr-defined]
    assert pages == {("release.txt", 1), ("release.txt", 2), ("任命通知.txt", 2 - 1)}
    posts = {(p["post"], p["start"]) for p in lam["positions"]}  # type: ignore[attr-defined]
    assert posts == {("Chief Executive", "2017-07"), ("行政长官", "")}
    snippet = lam["positions"][0]["passage"]["snippet"]  # type: ignore[index]
    assert "«" in snippet and "»" in snippet


def test_show_prints_each_fact_with_its_passage_and_key(archive: Path) -> None:
    out = ok("entities", "show", "hk-lam", "--archive", archive).stdout
    assert "Chief Executive (2017-07)" in out and "release.txt, page 2" in out
    assert "key: c:" in out and "key: m:" in out


def test_unknown_persons_get_stable_ids_and_show_in_the_list(archive: Path) -> None:
    names = {r["name"]: r for r in _listed(archive)}
    assert names["陈志明"]["type"] == "person" and names["陈志明"]["id"].startswith("p-")
    assert names["李家超"]["documents"] == 1  # from the blob that came with no file name


def test_list_filters_by_type_name_document_and_list_link_and_pages(archive: Path) -> None:
    everything = _listed(archive)
    assert len({e["id"] for e in everything}) == len(everything) > 4
    lam = next(e for e in everything if e["id"] == "hk-lam")
    assert lam["listed"] == ["hk-lam"] and lam["documents"] == 2 and lam["positions"] == 2
    assert set(lam["names"]) == {"Carrie Lam", "Lam Cheng Yuet-ngor", "林鄭月娥"}
    organisations = _listed(archive, "--type", "organisation")
    assert organisations and {e["type"] for e in organisations} == {"organisation"}
    for spelled in ("carrie", "林郑"):  # case and simplified against traditional folded
        assert [e["id"] for e in _listed(archive, "--name", spelled)] == ["hk-lam"]
    assert {e["id"] for e in _listed(archive, "--listed")} == {"hk-lam", "hk-xia"}
    with Archive.open(archive) as opened:
        nameless = next(i for i, r in opened.records(kinds={"document.added"})
                        if r["name"] == "nameless")  # fmt: skip
        blob = str(opened.record(nameless)["blob"])
    by_record = _listed(archive, "--document", str(nameless))
    assert by_record == _listed(archive, "--document", blob)
    assert "李家超" in {e["name"] for e in by_record} and "hk-lam" not in {
        e["id"] for e in by_record
    }
    pages = [json.loads(ok("entities", "list", "--archive", archive, "--json", "--limit", "2",
                           "--page", str(n)).stdout) for n in (1, 2)]  # fmt: skip
    assert pages[0]["pages"] == -(-len(everything) // 2) and pages[0]["total"] == len(everything)
    assert [e["id"] for p in pages for e in p["entities"]] == [e["id"] for e in everything[:4]]
    table = ok("entities", "list", "--archive", archive, "--limit", "2").stdout
    assert f"Page 1 of {pages[0]['pages']}" in table and "--page 2 for more" in table
    missing = run("entities", "list", "--archive", archive, "--document", "99999")
    assert missing.exit_code == 1 and "record number or SHA-256" in missing.output


def test_reviews_hold_across_a_newer_run_which_appends(archive: Path) -> None:
    lam = _show(archive, "hk-lam")
    ce = next(p for p in lam["positions"] if p["post"] == "Chief Executive")  # type: ignore[attr-defined]
    chinese = next(p for p in lam["positions"] if p["post"] == "行政长官")  # type: ignore[attr-defined]
    ok("entities", "review", "accept", ce["passage"]["key"], "--reason", "press release",
       "--archive", archive)  # fmt: skip
    ok("entities", "review", "reject", chinese["passage"]["key"], "--reason", "test",
       "--archive", archive)  # fmt: skip
    chen = next(r for r in _listed(archive) if r["name"] == "陈志明")
    ok("entities", "review", "merge", "hk-lam", chen["id"], "--reason", "test merge",
       "--archive", archive)  # fmt: skip
    with Archive.open(archive) as opened:
        before = opened.size
        runs_before = sum(1 for _ in opened.records(kinds={"entities.found"}))
    ok("entities", "extract", "--again", "--archive", archive)
    with Archive.open(archive) as opened:
        runs = [r for _, r in opened.records(kinds={"entities.found"})]
        assert opened.size == before + 3 and len(runs) == runs_before + 3
    after = _show(archive, "hk-lam")
    statuses = {p["post"]: p["passage"]["status"] for p in after["positions"]}  # type: ignore[attr-defined]
    assert statuses["Chief Executive"] == "accepted" and "行政长官" not in statuses
    assert statuses["行动科科长"] == "unreviewed"  # 陈志明's claim came with the merge
    assert "陈志明" in after["names"]  # type: ignore[operator]
    assert chen["id"] in after["members"]  # type: ignore[operator]


def test_split_moves_one_mention_to_an_entity_of_its_own(archive: Path) -> None:
    xia = _show(archive, "hk-xia")
    [mention] = xia["mentions"]  # type: ignore[misc]
    ok("entities", "review", "split", mention["key"], "夏宝龙 (another)", "--reason", "namesake",
       "--archive", archive)  # fmt: skip
    assert run("entities", "show", "hk-xia", "--archive", archive).exit_code == 1
    ids = {r["id"] for r in _listed(archive)}
    assert "hk-xia" not in ids
    ok("entities", "extract", "--again", "--archive", archive)  # a newer run: the split holds
    rows = _listed(archive)
    assert "hk-xia" not in {r["id"] for r in rows}
    assert any(r["name"] == mention["snippet"].split("«")[1].split("»")[0] for r in rows)


def test_bad_reviews_are_refused_with_what_to_do(archive: Path) -> None:
    no_reason = run("entities", "review", "accept", "m:nope", "--reason", " ",
                    "--archive", archive)  # fmt: skip
    assert no_reason.exit_code == 1 and "reason" in no_reason.output
    unknown = run("entities", "review", "accept", "m:nope:1:2:x", "--reason", "r",
                  "--archive", archive)  # fmt: skip
    assert unknown.exit_code == 1 and "entities show" in unknown.output
    missing = run("entities", "review", "link", "p-0000000000", "x", "--reason", "r",
                  "--archive", archive)  # fmt: skip
    assert missing.exit_code == 1 and "entities list" in missing.output


def test_the_ftm_export_validates_and_holds_only_reviewed_facts(
    archive: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lam.ftm.json"
    ok("dossier", "export", "hk-lam", "--out", out, "--archive", archive)
    proxies = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    assert proxies == [] or {p.schema.name for p in proxies} >= {"Occupancy"}
    everything = ok("dossier", "export", "hk-lam", "--unreviewed", "--archive", archive).stdout
    proxies = [model.get_proxy(json.loads(line)) for line in everything.splitlines()]
    assert len({p.id for p in proxies}) == len(proxies)  # a post stated twice is one entity
    for proxy in proxies:
        assert proxy.schema.validate(proxy.to_dict()) is None, proxy.to_dict()
    by_schema: dict[str, list[object]] = {}
    for proxy in proxies:
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    assert set(by_schema) >= {"Person", "Position", "Occupancy", "Document"}
    [person] = by_schema["Person"]
    occupancies = by_schema["Occupancy"]
    assert all(o.first("holder") == person.id for o in occupancies)  # type: ignore[attr-defined]
    docs = {d.id for d in by_schema["Document"]}  # type: ignore[attr-defined]
    assert all(set(o.get("proof")) <= docs and o.get("proof") for o in occupancies)  # type: ignore[attr-defined]
    posts = {p.first("name") for p in by_schema["Position"]}  # type: ignore[attr-defined]
    assert "Chief Executive" in posts and "行政长官" not in posts  # rejected stays out


def test_rebuild_replays_the_same_entities(archive: Path) -> None:
    before = ok("entities", "list", "--archive", archive, "--json").stdout
    ok("rebuild", "--archive", archive)
    assert ok("entities", "list", "--archive", archive, "--json").stdout == before
