"""The engine over TLS: a real Dask scheduler speaking tls:// on loopback with 2 worker
processes, certificates made here with `cryptography`; a scheduler whose certificate the
CA did not sign, and missing or mismatched settings, are clear errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from certificates import make_certificate
from engine_jobs import run
from erfurt.archive import Archive
from erfurt.engine import Engine, EngineSpec, EngineTLS
from erfurt.errors import ConfigError, EngineError


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca (the cluster's CA), scheduler, worker, client (signed by it); rogue-ca."""
    folder = tmp_path_factory.mktemp("pki")
    ca = make_certificate("ca", None, folder)
    for name in ("scheduler", "worker", "client"):
        make_certificate(name, ca, folder)
    make_certificate("rogue-ca", None, folder)
    return folder


def _tls(pki: Path, ca: str = "ca") -> EngineTLS:
    return EngineTLS(pki / f"{ca}.crt", pki / "client.crt", pki / "client.key")


@pytest.fixture(scope="module")
def scheduler(pki: Path) -> Iterator[str]:
    """A tls:// scheduler in this process and 2 `dask worker` processes, all on loopback."""
    from distributed import LocalCluster, Security

    security = Security(
        tls_ca_file=str(pki / "ca.crt"),
        tls_scheduler_cert=str(pki / "scheduler.crt"),
        tls_scheduler_key=str(pki / "scheduler.key"),
        tls_client_cert=str(pki / "client.crt"),
        tls_client_key=str(pki / "client.key"),
        require_encryption=True,
    )
    with LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tls://",
        host="127.0.0.1",
        security=security,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        workers = [
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "distributed.cli.dask_worker"),
                    *(cluster.scheduler_address, "--host", "127.0.0.1", "--nthreads", "1"),
                    *("--no-nanny", "--no-dashboard", "--death-timeout", "60"),
                    *("--tls-ca-file", pki / "ca.crt", "--tls-cert", pki / "worker.crt"),
                    *("--tls-key", pki / "worker.key"),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        try:
            with Engine.start(EngineSpec.parse(cluster.scheduler_address), tls=_tls(pki)) as e:
                e.client.wait_for_workers(2)  # no time limit: a loaded machine is slow
            yield cluster.scheduler_address
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait()


def test_add_and_reextract_run_on_a_tls_cluster(scheduler: str, pki: Path, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    for number in range(5):
        (folder / f"note-{number}.txt").write_text(f"Statement {number} of the witness.\n")
    archive = tmp_path / "arch"
    assert run("init", "--archive", archive, "--who", "t").exit_code == 0
    added = run(
        *("add", "--archive", archive, folder, "--quiet", "--engine", scheduler),
        *("--engine-ca", pki / "ca.crt", "--engine-cert", pki / "client.crt"),
        *("--engine-key", pki / "client.key"),
    )
    assert added.exit_code == 0, added.output
    assert "text: 5 extracted, 0 failed" in added.output
    config = archive / "erfurt.toml"
    settings = config.read_text(encoding="utf-8").replace(
        'engine = "local"', f'engine = "{scheduler}"'
    )
    for name in ("ca", "cert", "key"):
        path = pki / ("ca.crt" if name == "ca" else f"client.{name.replace('cert', 'crt')}")
        settings = settings.replace(f'engine_{name} = ""', f'engine_{name} = "{path}"')
    config.write_text(settings, encoding="utf-8")
    again = run("reextract", "--archive", archive, "--extractor", "text", "--quiet")
    assert again.exit_code == 0, again.output
    assert "re-extracted 5, failed 0" in again.output


def test_a_scheduler_the_ca_did_not_sign_is_a_clear_error(
    scheduler: str, pki: Path, tmp_path: Path
) -> None:
    with pytest.raises(EngineError, match="presented a certificate the engine's CA did not"):
        Engine.start(EngineSpec.parse(scheduler), tls=_tls(pki, ca="rogue-ca"))
    archive = tmp_path / "arch"
    assert run("init", "--archive", archive, "--who", "t").exit_code == 0
    note = tmp_path / "note.txt"
    note.write_text("A statement.\n", encoding="utf-8")
    tls = ("--engine-ca", pki / "rogue-ca.crt", "--engine-cert", pki / "client.crt")
    add = ("add", "--archive", archive, note, "--engine", scheduler, *tls)
    refused = run(*add, "--engine-key", pki / "client.key")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "did not sign" in refused.output and "Hint: check --engine-ca" in refused.output
    incomplete = run(*add)
    assert incomplete.exit_code == 1 and "--engine-key is missing" in incomplete.output
    with Archive.open(archive) as opened:
        assert opened.size == 1  # nothing was preserved: the engine starts first


def test_tls_settings_that_do_not_fit_are_refused(pki: Path) -> None:
    with pytest.raises(ConfigError, match="speaks TLS, and no certificates were given"):
        Engine.start(EngineSpec.parse("tls://127.0.0.1:1"))
    with pytest.raises(ConfigError, match="reached without TLS") as plain:
        Engine.start(EngineSpec.parse("dask://127.0.0.1:1"), tls=_tls(pki))
    assert "tls://127.0.0.1:1" in plain.value.hint
    absent = EngineTLS(pki / "ca.crt", pki / "client.crt", pki / "absent.key")
    with pytest.raises(ConfigError, match=r"absent\.key' is not a file"):
        Engine.start(EngineSpec.parse("tls://127.0.0.1:1"), tls=absent)
    swapped = EngineTLS(pki / "ca.crt", pki / "client.key", pki / "client.crt")
    with pytest.raises(ConfigError, match="TLS files cannot be used"):
        Engine.start(EngineSpec.parse("tls://127.0.0.1:1"), tls=swapped)
