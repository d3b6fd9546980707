"""What every command pays before it starts: the libraries loaded by importing the CLI.

Each command imports the CLI, and with it every view. Libraries that only some commands
need (a PDF renderer and Pillow for redaction, the web stack, PostgreSQL's driver, S3's
client, an HTTP client or server, X.509 and RFC 3161 parsers) are loaded when those run:
each costs every other command tens of milliseconds, and memory.
"""

from __future__ import annotations

import json
import subprocess
import sys

_LOADED_BY_THE_CLI = (
    "import json, sys; import erfurt.cli.main; print(json.dumps(sorted(sys.modules)))"
)

_ONLY_WHEN_USED = (
    "pypdfium2",  # redacting a PDF
    "fastapi",  # erfurt serve
    "starlette",
    "uvicorn",
    "jinja2",
    "psycopg",  # a PostgreSQL database
    "boto3",  # an S3 store
    "http.client",  # a published log, a witness, a TSA (erfurt.log.http_exchange)
    "http.server",  # erfurt witness serve
    "PIL",  # drawing a page, redacting an image (OCR loads it in its own processes)
    "asn1crypto",  # asking for or checking an RFC 3161 timestamp
    "rfc3161_client",
    "cryptography.x509",  # a TSA's root certificate
    "charset_normalizer",  # reading a text that is not UTF-8
    "phonenumbers",  # a volunteer's call
)


def test_importing_the_cli_loads_no_library_only_some_commands_need() -> None:
    # A fresh interpreter: this test process has imported everything already.
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", _LOADED_BY_THE_CLI], capture_output=True, check=True, text=True
        ).stdout
    )
    assert "erfurt.redaction" in loaded  # the views are there, as every command needs them
    assert [name for name in _ONLY_WHEN_USED if name in loaded] == []
