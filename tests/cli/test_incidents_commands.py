"""The incidents and figures commands on a real archive: privacy, audits, CSV re-imports."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from erfurt.archive import Archive
from erfurt.cli import cli

REPORT = "On 13 August 1961 three people were shot at the wall in Berlin by Border Regiment 33.\n"
PAPER = "Five people died at the wall in Berlin on 13 August 1961.\n"
REPRINT = "Reprinted: Five people died at the wall in Berlin on 13 August 1961.\n"
NAMES = ("Anna Beispiel", "王小明", "Zeynep Tanık")  # harmed, harmed, witness


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False)


def ok(*args: str | Path, stdin: str | None = None) -> Result:
    result = run(*args, stdin=stdin)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def arch(tmp_path: Path) -> Path:
    path = tmp_path / "arch"
    ok("init", "--archive", path, "--origin", "test.example/incidents")
    documents = tmp_path / "documents"
    documents.mkdir()
    for name, text in (("report.txt", REPORT), ("paper.txt", PAPER), ("reprint.txt", REPRINT)):
        (documents / name).write_text(text, encoding="utf-8")
    ok("add", "--archive", path, "--quiet", "--jobs", "1", documents)
    return path


def cite(arch: Path, text: str, phrase: str) -> str:
    """``RECORD:START-END`` of ``phrase`` in the text record holding ``text``."""
    with Archive.open(arch) as archive:
        for index, record in archive.records(kinds={"text.extracted"}):
            if archive.read_blob(record["text"]).decode() == text:
                start = text.index(phrase)
                return f"{index}:{start}-{start + len(phrase)}"
    raise AssertionError(text)


def add_wall_incident(arch: Path, tmp_path: Path, *extra: str) -> str:
    names = tmp_path / "names.txt"
    names.write_text(f"harmed: {NAMES[0]}\nharmed: {NAMES[1]}\nwitness: {NAMES[2]}\n", "utf-8")
    result = ok(
        "incidents", "add", "--archive", arch, "--json",
        "--kind", f"killing@{cite(arch, REPORT, 'shot')}",
        "--date", f"1961-08-13@{cite(arch, REPORT, '13 August 1961')}",
        "--place", f"Berlin@{cite(arch, REPORT, 'Berlin')}",
        "--harmed", f"3@{cite(arch, REPORT, 'three people')}",
        "--responsible", f"Border Regiment 33@{cite(arch, REPORT, 'Border Regiment 33')}",
        "--names-from", names,
        *extra,
    )  # fmt: skip
    names.unlink()
    return str(json.loads(result.stdout)["incident"])


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_names_never_reach_the_log_views_or_outputs(arch: Path, tmp_path: Path) -> None:
    incident = add_wall_incident(arch, tmp_path)
    csv_file = tmp_path / "incidents.csv"
    csv_file.write_text(
        "key,kind,date,place,harmed,harmed_names,witnesses\n"
        f"row-1,killing@note:list,1962@note:list,Berlin@note:list,1@note:list,"
        f"{NAMES[1]},{NAMES[0]}\n",
        encoding="utf-8",
    )
    ok("incidents", "import", "--archive", arch, csv_file)
    ok("figures", "define", "--archive", arch, "dead", "--query", "count=harmed")
    outputs = [
        ok("figures", "publish", "--archive", arch, "dead").output,
        ok("figures", "show", "--archive", arch, "dead", "--json").output,
        ok("incidents", "show", "--archive", arch, incident, "--json").output,
        ok("incidents", "list", "--archive", arch).output,
        ok("figures", "audit", "--archive", arch).output,
    ]
    published = every_byte(arch)  # log, blobs, views, private: all of the archive folder
    for name in NAMES:
        for form in (name, name.upper(), name.casefold()):
            assert form.encode() not in published
            assert all(form not in output for output in outputs)
    # A reviewer marks one name publishable, with a reason: only that one appears.
    ok("incidents", "publishable", "--archive", arch, "-", "--reason", "family consent",
       stdin=f"{NAMES[0]}\n")  # fmt: skip
    shown = ok("incidents", "show", "--archive", arch, incident).output
    assert NAMES[0] in shown and NAMES[1] not in shown
    published = every_byte(arch / "log")
    assert NAMES[0].encode() in published
    assert NAMES[1].encode() not in published and NAMES[2].encode() not in published
    unknown = run("incidents", "publishable", "--archive", arch, "Nobody", "--reason", "x")
    assert unknown.exit_code == 1 and "no incident names this person" in unknown.output


def test_published_audit_catches_a_changed_incident(arch: Path, tmp_path: Path) -> None:
    incident = add_wall_incident(arch, tmp_path)
    ok("figures", "define", "--archive", arch, "dead", "--query", "count=harmed kind=killing")
    ok("figures", "publish", "--archive", arch, "dead")
    # An edit after publication changes the figure now, not the published one.
    ok("incidents", "edit", "--archive", arch, incident,
       "--harmed", f"5@{cite(arch, PAPER, 'Five people')}")  # fmt: skip
    vkey = ok("log", "vkey", "--archive", arch).output.strip()
    audited = ok("figures", "audit", "--published", arch / "log", "--vkey", vkey, "--json")
    assert json.loads(audited.stdout)["figures"] == 1
    # Someone alters the view the figures are read from, then publishes: the log disagrees.
    with sqlite3.connect(arch / "views" / "views.sqlite") as db:
        db.execute("UPDATE incidents_incident SET low = 916, high = 916")
    ok("figures", "publish", "--archive", arch, "dead")
    failed = run("figures", "audit", "--published", arch / "log", "--vkey", vkey)
    assert failed.exit_code == 1
    assert "published 916 over 1 incident; recomputed 5 over 1 incident" in failed.output
    assert run("figures", "audit", "--archive", arch).exit_code == 1


def test_published_audit_refuses_an_altered_log(arch: Path, tmp_path: Path) -> None:
    add_wall_incident(arch, tmp_path)
    ok("figures", "define", "--archive", arch, "dead", "--query", "count=incidents")
    ok("figures", "publish", "--archive", arch, "dead")
    vkey = ok("log", "vkey", "--archive", arch).output.strip()
    bundle = max((arch / "log" / "tile" / "entries").glob("*.p/*"), key=lambda p: int(p.name))
    assert b'"count":3' in bundle.read_bytes()
    bundle.write_bytes(bundle.read_bytes().replace(b'"count":3', b'"count":9'))
    failed = run("figures", "audit", "--published", arch / "log", "--vkey", vkey)
    assert failed.exit_code == 1 and "published log" in failed.output


def test_reimport_never_double_counts(arch: Path, tmp_path: Path) -> None:
    report = cite(arch, REPORT, "three people")
    paper = cite(arch, PAPER, "Five people")
    rows = [
        "key,kind,date,place,harmed,responsible",
        f"a,killing@{report},1961-08-13@{report},Berlin@{report},3@{report},Regiment@{report}",
        f"b,detention@{paper},1961-08@{paper},Berlin@{paper},5@{paper},",
        f"c,killing@{paper},1961-13-01@{paper},Berlin@{paper},2@{paper},",  # no 13th month
        f"d,picnic@{paper},1961@{paper},Berlin@{paper},2@{paper},",
        f"e,killing@{paper},1961@{paper},Berlin@{paper},2,",  # uncited count
    ]
    csv_file = tmp_path / "incidents.csv"
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    first = run("incidents", "import", "--archive", arch, "--json", csv_file)
    report_json = json.loads(first.stdout)
    assert first.exit_code == 1
    assert (report_json["recorded"], report_json["edited"]) == (2, 0)
    problems = {p["row"]: p["message"] for p in report_json["problems"]}
    assert set(problems) == {4, 5, 6}
    assert "not a date" in problems[4] and "YYYY-MM-DD" in problems[4]
    assert "incident_kinds" in problems[5]
    assert "cites no source" in problems[6]
    # Fix two rows, change one: re-importing records the fixed, edits the changed, skips the rest.
    rows[3] = rows[3].replace("1961-13-01", "1961-12-01")
    rows[5] = rows[5].replace(",2,", f",2@{paper},")
    rows[2] = rows[2].replace("5@", "6@")
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    second = json.loads(run("incidents", "import", "--archive", arch, "--json", csv_file).stdout)
    assert (second["recorded"], second["edited"], second["unchanged"]) == (2, 1, 1)
    third = json.loads(run("incidents", "import", "--archive", arch, "--json", csv_file).stdout)
    assert (third["recorded"], third["edited"], third["unchanged"]) == (0, 0, 4)
    listed = json.loads(ok("incidents", "list", "--archive", arch, "--json").stdout)
    assert len(listed["incidents"]) == 4
    ok("figures", "define", "--archive", arch, "all", "--query", "count=harmed")
    published = json.loads(ok("figures", "publish", "--archive", arch, "all", "--json").stdout)
    assert (published["low"], published["incidents"]) == (3 + 6 + 2 + 2, 4)


def test_bad_input_says_what_to_do(arch: Path) -> None:
    failed = run("incidents", "add", "--archive", arch, "--kind", "killing", "--date",
                 "1961@note:x", "--place", "B@note:x", "--harmed", "1@note:x")  # fmt: skip
    assert failed.exit_code == 1 and "cites no source" in failed.output
    assert "Hint: every value cites its passages" in failed.output
    failed = run("figures", "define", "--archive", arch, "x", "--query", "colour=red")
    assert failed.exit_code == 1 and "unknown term 'colour'" in failed.output
    failed = run("figures", "publish", "--archive", arch, "missing")
    assert failed.exit_code == 1 and "figures define" in failed.output
    failed = run("incidents", "show", "--archive", arch, "I-none")
    assert failed.exit_code == 1 and "no incident I-none" in failed.output


def test_counts_timeline_chart_and_followthemoney_export(arch: Path, tmp_path: Path) -> None:
    from followthemoney import model

    incident = add_wall_incident(arch, tmp_path, "--region", "DE-BE")
    paper = cite(arch, PAPER, "Five people")
    ok("incidents", "add", "--archive", arch, "--kind", f"detention@{paper}",
       "--date", f"1962-03@{paper}", "--place", f"Leipzig@{paper}", "--harmed", f"2@{paper}",
       "--harmed", "4@note:a later list", "--responsible", f"Stasi@{paper}")  # fmt: skip
    by_place = json.loads(ok("incidents", "counts", "--archive", arch, "--by", "place",
                             "--json", "--csv", tmp_path / "places.csv").stdout)  # fmt: skip
    assert by_place["rows"] == [
        {"key": "Berlin", "incidents": 1, "harmed_low": 3, "harmed_high": 3},
        {"key": "Leipzig", "incidents": 1, "harmed_low": 2, "harmed_high": 4},
    ]
    assert (tmp_path / "places.csv").read_text().splitlines()[1] == "Berlin,1,3,3"
    by_month = json.loads(ok("incidents", "counts", "--archive", arch, "--by", "month",
                             "--json").stdout)  # fmt: skip
    assert [r["key"] for r in by_month["rows"]] == ["1961-08", "1962-03"]
    line = json.loads(ok("incidents", "timeline", "--archive", arch, "Border Regiment 33",
                         "--json").stdout)  # fmt: skip
    assert [i["incident"] for i in line["incidents"]] == [incident]
    charted = json.loads(ok("incidents", "chart", "--archive", arch, "--out",
                            tmp_path / "chart.svg", "--json").stdout)  # fmt: skip
    assert charted["unit"] == "week" and (tmp_path / "chart.svg").stat().st_size > 0
    rows = (tmp_path / "chart.csv").read_text().splitlines()
    assert rows[0] == "period_start,week,incidents" and rows[1] == "1961-08-07,1961-W32,1"
    assert sum(int(row.rsplit(",", 1)[1]) for row in rows[1:]) == 2
    # Names stay out of the export until marked publishable; then the person is involved.
    ok("incidents", "publishable", "--archive", arch, NAMES[0], "--reason", "consent")
    ok("incidents", "export", "--archive", arch, "--out", tmp_path / "out.ftm.json")
    exported = (tmp_path / "out.ftm.json").read_text(encoding="utf-8")
    assert NAMES[1] not in exported and NAMES[2] not in exported
    entities = [json.loads(line) for line in exported.splitlines()]
    for entity in entities:  # read back by FollowTheMoney: nothing dropped or changed
        proxy = model.get_proxy(entity)
        assert proxy.to_dict()["properties"] == entity["properties"]
    by_schema: dict[str, list[dict[str, object]]] = {}
    for entity in entities:
        by_schema.setdefault(entity["schema"], []).append(entity)
    assert len(by_schema["Event"]) == 2
    ids = {e["id"] for e in entities}
    involved = {i for e in by_schema["Event"] for i in e["properties"]["involved"]}
    assert involved <= ids
    assert [p["properties"]["name"] for p in by_schema["Person"]] == [[NAMES[0]]]
    dates = sorted(str(e["properties"].get("date")) for e in by_schema["Event"])
    assert dates == ["['1961-08-13']", "['1962-03']"]
    # A place is what a partner's file or a user wrote: never a formula in a spreadsheet.
    ok("incidents", "add", "--archive", arch, "--kind", f"detention@{paper}",
       "--date", f"1962-04@{paper}", "--place", f'=HYPERLINK("http://x")@{paper}',
       "--harmed", f"1@{paper}")  # fmt: skip
    ok("incidents", "counts", "--archive", arch, "--by", "place", "--csv", tmp_path / "p.csv")
    with (tmp_path / "p.csv").open(encoding="utf-8", newline="") as written:
        rows = list(csv.reader(written))
    assert ['\'=HYPERLINK("http://x")', "1", "1", "1"] in rows


def test_a_responsible_unit_links_to_an_entity(arch: Path, tmp_path: Path) -> None:
    incident = add_wall_incident(arch, tmp_path, "--entity", "Border Regiment 33=ent-41")
    shown = json.loads(ok("incidents", "show", "--archive", arch, "--json", incident).stdout)
    assert shown["entities"] == {"Border Regiment 33": "ent-41"}
    assert (
        "Border Regiment 33 [ent-41]" in ok("incidents", "show", "--archive", arch, incident).stdout
    )
    listed = ok("incidents", "list", "--archive", arch, "--json", "--query", "entity=ent-41")
    assert [r["incident"] for r in json.loads(listed.stdout)["incidents"]] == [incident]
    failed = run("incidents", "edit", "--archive", arch, incident, "--entity", "Stasi=ent-9")
    assert failed.exit_code == 1 and "not one of the units or persons responsible" in failed.output
    failed = run("incidents", "edit", "--archive", arch, incident, "--entity", "ent-9")
    assert failed.exit_code == 1 and "is not VALUE=ID" in failed.output
