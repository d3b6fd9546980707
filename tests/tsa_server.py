"""A real RFC 3161 Time-Stamping Authority on loopback: `openssl ts -reply` behind HTTP.

The authority's keys are made by openssl for each test run: a root CA and a TSA
certificate (extended key usage timeStamping, critical) signed by it. Requests are
answered by running `openssl ts -reply` on the posted DER; nothing is simulated.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def replace_with_expired_certificate(folder: Path) -> None:
    """Give the TSA in ``folder`` a certificate from its root that expired in 2021."""
    root = x509.load_pem_x509_certificate((folder / "root.pem").read_bytes())
    root_key = serialization.load_pem_private_key((folder / "root.key").read_bytes(), None)
    tsa_key = serialization.load_pem_private_key((folder / "tsa.key").read_bytes(), None)
    assert isinstance(root_key, ec.EllipticCurvePrivateKey)
    assert isinstance(tsa_key, ec.EllipticCurvePrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Expired TSA")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2021, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    (folder / "tsa.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_tsa_keys(folder: Path, name: str = "Test TSA") -> None:
    """A root CA (root.pem) and a TSA certificate and key (tsa.pem, tsa.key) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tsa.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\n",
        encoding="ascii",
    )
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "root.key", "-out", "root.pem", "-days", "3650",
             "-subj", f"/CN={name} Root", cwd=folder)  # fmt: skip
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "tsa.key", "-out", "tsa.csr",
             "-subj", f"/CN={name}", cwd=folder)  # fmt: skip
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "root.pem", "-CAkey", "root.key",
             "-CAcreateserial", "-out", "tsa.pem", "-days", "3650",
             "-extfile", "tsa.ext", cwd=folder)  # fmt: skip
    (folder / "serial").write_text("01\n", encoding="ascii")
    (folder / "tsa.cnf").write_text(_CONFIG.format(dir=folder), encoding="ascii")


@dataclass
class RunningTsa:
    """A TSA serving on loopback: its URL, its root certificate, and a switch to break it."""

    url: str
    root_pem: Path
    folder: Path
    answer_garbage: bool = False


@contextmanager
def running_tsa(folder: Path | None = None) -> Iterator[RunningTsa]:
    """Start a TSA on a free loopback port for the duration of the block."""
    with tempfile.TemporaryDirectory() as temp:
        keys = folder or Path(temp)
        if not (keys / "tsa.cnf").exists():
            make_tsa_keys(keys)
        lock = threading.Lock()  # openssl ts updates its serial file
        state = RunningTsa("", keys / "root.pem", keys)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if state.answer_garbage:
                    reply = b"\x30\x03\x02\x01\x07"
                else:
                    with lock:
                        done = subprocess.run(
                            ["openssl", "ts", "-reply", "-config", str(keys / "tsa.cnf"),
                             "-queryfile", "/dev/stdin", "-inkey", str(keys / "tsa.key"),
                             "-signer", str(keys / "tsa.pem")],
                            input=body, capture_output=True, check=False,
                        )  # fmt: skip
                    reply = done.stdout
                self.send_response(200 if reply else 500)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        state.url = f"http://127.0.0.1:{server.server_address[1]}/"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield state
        finally:
            server.shutdown()
            server.server_close()
