"""A C2SP tiled transparency log: append, prove, verify. Stands alone (stdlib + cryptography).

    >>> import tempfile
    >>> from pathlib import Path
    >>> from erfurt.log import (LogReader, LogWriter, Signer, check_log, format_proof,
    ...                         verify_proof)
    >>> directory = Path(tempfile.mkdtemp()) / "log"
    >>> signer = Signer.generate("example.org/log")
    >>> with LogWriter.open(directory, signer, origin="example.org/log") as log:
    ...     first = log.append([b"first record", b"second record", b"third record"])
    ...     note = log.checkpoint
    >>> reader = LogReader(directory)
    >>> checkpoint = reader.checkpoint(signer.verifier)
    >>> checkpoint.tree_size
    3
    >>> receipt = format_proof(1, reader.inclusion_proof(1, 3), note)
    >>> verify_proof(receipt, b"second record", signer.verifier) == checkpoint
    True
    >>> check_log(directory, signer.verifier).entries
    3

The directory is a complete static log (``checkpoint``, ``tile/<L>/<N>[.p/<W>]``,
``tile/entries/<N>[.p/<W>]``) that any web server can publish. The writer's lock and
crash-recovery state go in ``LogWriter.open(..., state=FOLDER)``, by default a hidden
``.state/`` folder inside the directory that must then not be published.
See :mod:`erfurt.log.writer` for the write and recovery rules and
``docs/log-format.md`` for the format and how to verify a log with other tools.
"""

from __future__ import annotations

import typing

from .check import LogCheck, check_log
from .checkpoint import Checkpoint, open_checkpoint
from .cosignature import (
    Cosignature,
    CosignatureVerifier,
    Cosigner,
    add_signature_lines,
    verify_cosignatures,
)
from .durable import IO_THREADS, fsync_paths, io_threads, make_durable, syncs_filesystem
from .errors import (
    ConsistencyProofError,
    CorruptLogError,
    FormatError,
    InclusionProofError,
    LogError,
    LogLockedError,
    ProofError,
    SignatureError,
)
from .exchange import HttpAnswer, HttpUnreachableError, http_exchange
from .merkle import EMPTY_ROOT, Hash, leaf_hash, node_hash, root_hash
from .monitor import HttpTileStore, LogForkError, LogUnavailableError, Monitor, MonitorResult
from .note import Note, Signer, Verifier, open_note, sign_note, signature_line, split_note
from .prover import TileProver
from .reader import CHECKPOINT, KEPT_CHECKPOINTS, LogReader
from .receipt import TlogProof, format_proof, parse_proof, verify_proof
from .tiles import MAX_FILE, FileTileStore, MemoryTileStore, TileStore, bundle_path, tile_path
from .verify import verify_consistency, verify_inclusion
from .witness import Witness, WitnessResponse, format_add_checkpoint, parse_add_checkpoint
from .witness_client import (
    CosignedCheckpoint,
    WitnessAheadError,
    WitnessError,
    WitnessRefusedError,
    WitnessUnavailableError,
    request_cosignatures,
)
from .writer import LogWriter

if typing.TYPE_CHECKING:
    from .witness_server import make_witness_server as make_witness_server

__all__ = [
    "CHECKPOINT",
    "EMPTY_ROOT",
    "IO_THREADS",
    "KEPT_CHECKPOINTS",
    "MAX_FILE",
    "Checkpoint",
    "ConsistencyProofError",
    "CorruptLogError",
    "Cosignature",
    "CosignatureVerifier",
    "CosignedCheckpoint",
    "Cosigner",
    "FileTileStore",
    "FormatError",
    "Hash",
    "HttpAnswer",
    "HttpTileStore",
    "HttpUnreachableError",
    "InclusionProofError",
    "LogCheck",
    "LogError",
    "LogForkError",
    "LogLockedError",
    "LogReader",
    "LogUnavailableError",
    "LogWriter",
    "MemoryTileStore",
    "Monitor",
    "MonitorResult",
    "Note",
    "ProofError",
    "SignatureError",
    "Signer",
    "TileProver",
    "TileStore",
    "TlogProof",
    "Verifier",
    "Witness",
    "WitnessAheadError",
    "WitnessError",
    "WitnessRefusedError",
    "WitnessResponse",
    "WitnessUnavailableError",
    "add_signature_lines",
    "bundle_path",
    "check_log",
    "format_add_checkpoint",
    "format_proof",
    "fsync_paths",
    "http_exchange",
    "io_threads",
    "leaf_hash",
    "make_durable",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_add_checkpoint",
    "parse_proof",
    "request_cosignatures",
    "root_hash",
    "sign_note",
    "signature_line",
    "split_note",
    "syncs_filesystem",
    "tile_path",
    "verify_consistency",
    "verify_cosignatures",
    "verify_inclusion",
    "verify_proof",
]


def __getattr__(name: str) -> typing.Any:
    # make_witness_server: the witness's HTTP server imports the standard library's HTTP
    # stack (about 20 ms), which only `erfurt witness serve` needs, so it is loaded when
    # first asked for (and is not in __all__, which lists what importing this loads).
    if name == "make_witness_server":
        from .witness_server import make_witness_server

        return make_witness_server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
