"""An example for every command, shown at the end of its ``--help`` (and in docs/cli.md).

Kept in one table so that the examples read as one vocabulary, and so that a new
command without an example is caught by tests/cli/test_vocabulary.py.
"""

from __future__ import annotations

import click

__all__ = ["EXAMPLES", "add_examples"]

# Command path (without "erfurt") -> example command lines.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "erfurt init --archive ./archive",
        "erfurt add --archive ./archive reports/",
        "erfurt search --archive ./archive shredded",
    ),
    "init": ("erfurt init --archive ./archive --origin example.org/archive",),
    "add": (
        "erfurt add --archive ./archive --collection 2024 reports/ scan.png",
        "erfurt add --archive ./archive --retry-failed scan.png",
        "erfurt add --archive /shared/archive --engine dask://10.0.0.5:8786 /shared/leak/",
    ),
    "show": ("erfurt show --archive ./archive 7",),
    "search": (
        "erfurt search --archive ./archive '\"personnel files\" shred*' --limit 5",
        "erfurt search --archive ./archive --names 'Carrie Lam' collection:hk",
        "erfurt search --archive ./archive save shredding 'shred* OR 销毁'",
    ),
    "alerts": ("erfurt alerts --archive ./archive",),
    "failures": (
        "erfurt failures --archive ./archive --collection inbox",
        "erfurt failures --archive ./archive --low-confidence 80",
    ),
    "reextract": (
        "erfurt reextract --archive ./archive --extractor ocr --jobs 2",
        "erfurt reextract --archive ./archive --extractor ocr --engine dask://10.0.0.5:8786",
    ),
    "rebuild": ("erfurt rebuild --archive ./archive",),
    "prove": ("erfurt prove --archive ./archive 7 --out record-7.tlog-proof",),
    "export": (
        "erfurt export --archive ./archive 7 --out package-7/",
        "erfurt export --archive ./archive 7 --out court-7/ --unredacted",
    ),
    "redact": (
        "erfurt redact --archive ./archive 3f5a…e1 --span 120:135 --box 2:100,200,600,260 "
        "--reason 'names a witness'",
    ),
    "redactions": ("erfurt redactions list --archive ./archive",),
    "redactions list": ("erfurt redactions list --archive ./archive --blob 3f5a…e1",),
    "verify": (
        'erfurt verify package-7/ --vkey "$(erfurt log vkey --archive ./archive)"',
        "erfurt verify record-7.tlog-proof --archive ./archive",
        'erfurt verify record-7.tlog-proof --archive ./archive --witness "$(cat w1.vkey)" '
        '--witness "$(cat w2.vkey)" --min-witnesses 1',
        "erfurt verify record-7.tlog-proof --archive ./archive --tsa-root tsa-root.pem",
    ),
    "log": ("erfurt log check --archive ./archive",),
    "log vkey": ("erfurt log vkey --archive ./archive > verifier-key.txt",),
    "log checkpoint": ("erfurt log checkpoint --archive ./archive > checkpoint-today",),
    "log check": (
        "erfurt log check --archive ./archive",
        'erfurt log check --published s3://evidence/log --vkey "$(cat verifier-key.txt)"',
    ),
    "log publish": ("erfurt log publish --archive ./archive --out s3://evidence/log",),
    "log consistency": ("erfurt log consistency --archive ./archive checkpoint-last-week",),
    "log monitor": (
        'erfurt log monitor https://archive.example.org/log --vkey "$(cat their.vkey)" '
        "--state monitor-state/ --interval 300",
    ),
    "log tsa": ("erfurt log tsa list --archive ./archive",),
    "log tsa add": (
        "erfurt log tsa add --archive ./archive tsa.example.org https://tsa.example.org/tsr "
        "tsa-root.pem",
    ),
    "log tsa list": ("erfurt log tsa list --archive ./archive --json",),
    "log tsa remove": ("erfurt log tsa remove --archive ./archive tsa.example.org",),
    "log timestamp": ("erfurt log timestamp --archive ./archive",),
    "log attest": ("erfurt log attest --archive ./archive --interval 60",),
    "incidents": ("erfurt incidents list --archive ./archive --query 'kind=killing'",),
    "incidents add": (
        "erfurt incidents add --archive ./archive --kind 'killing@12:40-52' "
        "--date '1961-08-13@12:0-15' --place 'Berlin@12:20-26' --harmed '3@12:60-72' "
        "--harmed '5@14:3-9'",
    ),
    "incidents edit": (
        "erfurt incidents edit --archive ./archive inc-3f2a --disputed 'sources disagree'",
        "erfurt incidents edit --archive ./archive inc-3f2a --entity 'Border Regiment 33=ent-41'",
    ),
    "incidents show": ("erfurt incidents show --archive ./archive inc-3f2a",),
    "incidents list": ("erfurt incidents list --archive ./archive --query 'until=1989' --json",),
    "incidents import": ("erfurt incidents import --archive ./archive border-incidents.csv",),
    "incidents merge": (
        "erfurt incidents merge --archive ./archive inc-91c0 inc-3f2a --reason 'same event'",
    ),
    "incidents copy": (
        "erfurt incidents copy --archive ./archive COPY_BLOB ORIGINAL_BLOB --reason 'reprint'",
    ),
    "incidents publishable": (
        "erfurt incidents publishable --archive ./archive 'Peter Fechter' "
        "--reason 'named in public records'",
    ),
    "incidents cite": ("erfurt incidents cite --archive ./archive 'shot at the wall'",),
    "incidents counts": (
        "erfurt incidents counts --archive ./archive --by year --csv counts-by-year.csv",
    ),
    "incidents timeline": ("erfurt incidents timeline --archive ./archive 'Border Regiment 33'",),
    "incidents chart": ("erfurt incidents chart --archive ./archive --out incidents.svg",),
    "incidents export": ("erfurt incidents export --archive ./archive --out incidents.ftm.json",),
    "intake": ("erfurt intake export --archive ./archive /media/usb",),
    "intake keygen": ("erfurt intake keygen /media/keys/intake.key",),
    "intake enable": ("erfurt intake enable --archive ./archive intake.key.pub",),
    "intake export": ("erfurt intake export --archive ./archive /media/usb",),
    "intake open": (
        "erfurt intake open /media/usb --key-file /media/keys/intake.key --into ./offline "
        "--strip-metadata",
    ),
    "intake custody": ("erfurt intake custody --archive ./offline 12",),
    "intake reply": (
        "erfurt intake reply --key-file /media/keys/intake.key --to SOURCE_ID "
        "--reply-key REPLY_KEY --message-file reply.txt --out reply.bin",
    ),
    "intake deliver": ("erfurt intake deliver --archive ./archive reply.bin",),
    "entities": ("erfurt entities list --archive ./archive --type person",),
    "entities extract": ("erfurt entities extract --archive ./archive",),
    "entities list": (
        "erfurt entities list --archive ./archive --type organisation --json",
        "erfurt entities list --archive ./archive --name 林郑 --listed",
        "erfurt entities list --archive ./archive --document 42 --limit 20 --page 2",
    ),
    "entities show": ("erfurt entities show --archive ./archive ofac-29249",),
    "entities review": (
        "erfurt entities review --archive ./archive link p-3f2a9c ofac-29249 "
        "--reason 'same person: photo and birth date'",
    ),
    "dossier": ("erfurt dossier export --archive ./archive ofac-29249 --out lam.ftm.json",),
    "dossier export": (
        "erfurt dossier export --archive ./archive ofac-29249 --out lam.ftm.json",
        "erfurt dossier export --archive ./archive ofac-29249 --unreviewed",
        "erfurt dossier export --archive ./archive ofac-29249 --package --out lam-evidence",
    ),
    "figures": ("erfurt figures list --archive ./archive",),
    "figures define": (
        "erfurt figures define --archive ./archive killed-at-the-border "
        "--query 'count=harmed kind=killing until=1989'",
    ),
    "figures publish": ("erfurt figures publish --archive ./archive killed-at-the-border",),
    "figures show": ("erfurt figures show --archive ./archive killed-at-the-border",),
    "figures list": ("erfurt figures list --archive ./archive --json",),
    "figures audit": (
        'erfurt figures audit --published ./published-log --vkey "$(cat publisher.vkey)"',
    ),
    "log witness": ("erfurt log witness list --archive ./archive",),
    "log witness add": (
        "erfurt log witness add --archive ./archive https://witness.example.org "
        '"$(cat witness-vkeys.txt)"',
    ),
    "log witness list": ("erfurt log witness list --archive ./archive --json",),
    "log witness remove": (
        "erfurt log witness remove --archive ./archive https://witness.example.org",
    ),
    "log witness submit": ("erfurt log witness submit --archive ./archive",),
    "witness": ("erfurt witness keygen witness.example.org --out witness.key",),
    "witness keygen": (
        "erfurt witness keygen witness.example.org --out witness.key > witness-vkeys.txt",
    ),
    "witness serve": (
        "erfurt witness serve --key-file witness.key --state witness-state/ "
        '--log "$(cat their-log-vkey.txt)" --port 8500',
    ),
    "lists": ("erfurt lists --archive ./archive",),
    "lists import": ("erfurt lists import ofac-sdn --archive ./archive sdn-2026-11/",),
    "lists import ofac-sdn": ("erfurt lists import ofac-sdn --archive ./archive sdn-2026-11/",),
    "lists import ftm": ("erfurt lists import ftm --archive ./archive sanctions.ftm.json",),
    "match": (
        "erfurt match --archive ./archive '习近平' --birth-date 1953 --limit 3",
        "erfurt match --archive ./archive 'Kim Jong Un' --schema Person --json",
    ),
    "screen": (
        "erfurt screen --archive ./archive customers.csv --out matches.jsonl --jobs 2",
        "erfurt screen --archive ./archive customers.csv --engine dask --jobs 2",
    ),
    "declare": (
        "erfurt declare --archive ./archive --alias 'Spring Rain' --organisation Party "
        "--place Chengdu",
        "echo 'Chen Mingyu; 1979-04-02' | erfurt declare --archive ./archive --alias Plum "
        "--organisation Party --identity - --receipt plum-receipt.json",
    ),
    "declarations": ("erfurt declarations tally --archive ./archive --by place",),
    "declarations tally": ("erfurt declarations tally --archive ./archive --by month",),
    "declarations chart": ("erfurt declarations chart --archive ./archive --out declarations.png",),
    "declarations audit": (
        "erfurt declarations audit --archive ./archive",
        'erfurt declarations audit --published mirror/ --vkey "$VKEY" --tally tally.json',
    ),
    "declarations import": ("erfurt declarations import --archive ./archive old-registry.csv",),
    "declarations publish": ("erfurt declarations publish --archive ./archive --out public/",),
    "declarations prove": (
        'erfurt declarations prove plum-receipt.json --vkey "$VKEY"',
        'erfurt declarations prove plum-receipt.json --vkey "$VKEY" --tsa-root tsa-root.pem',
    ),
    "outreach": ("erfurt outreach stats --archive ./archive --by month",),
    "outreach log": (
        "erfurt outreach log --archive ./archive --number '+86 139 1234 5678' "
        "--outcome listened --volunteer 'Volunteer 7'",
    ),
    "outreach check": ("erfurt outreach check --archive ./archive '139 1234 5678' --region CN",),
    "outreach stats": ("erfurt outreach stats --archive ./archive --by week",),
    "outreach chart": ("erfurt outreach chart --archive ./archive --out outreach.png --by month",),
    "serve": (
        "erfurt serve --archive ./archive --port 8000",
        "erfurt serve --archive ./archive --secret-file ~/.config/erfurt/registry-secret",
        "erfurt serve --archive ./archive --search-processes 2",
        "erfurt --database postgresql://erfurt@db/views serve --archive ./archive --jobs 4",
    ),
    "users": ("erfurt users add --archive ./archive ana --role archivist",),
    "users add": ("erfurt users add --archive ./archive ana --role volunteer",),
    "users list": ("erfurt users list --archive ./archive",),
    "users disable": ("erfurt users disable --archive ./archive ana",),
    "users passwd": ("erfurt users passwd --archive ./archive ana",),
    "users token": ("erfurt users token --archive ./archive screening-bot --label batch",),
    "users restrict": (
        "erfurt users restrict --archive ./archive sources --allow ana --allow role:reviewer",
    ),
}


def add_examples(command: click.Command, path: str = "") -> None:
    """Add each command's examples to its help epilog, for ``command`` and its subcommands."""
    examples = EXAMPLES.get(path)
    if examples:
        heading = "Example:" if len(examples) == 1 else "Examples:"
        shown = "\b\n" + heading + "\n" + "\n".join(f"  {line}" for line in examples)
        command.epilog = f"{command.epilog}\n\n{shown}" if command.epilog else shown
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            add_examples(sub, f"{path} {name}".strip())
