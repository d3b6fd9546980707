"""The public face of erfurt.log: its __all__ and the example that opens its docstring."""

from __future__ import annotations

import doctest

import erfurt.log

CONTRACT = {
    "Hash", "leaf_hash", "node_hash", "root_hash", "Checkpoint", "Signer", "Verifier",
    "Note", "sign_note", "open_note", "open_checkpoint", "LogWriter", "LogReader",
    "verify_inclusion", "verify_consistency", "format_proof", "parse_proof", "TlogProof",
    "verify_proof", "check_log", "LogCheck", "LogError", "FormatError", "SignatureError",
    "ProofError", "InclusionProofError", "ConsistencyProofError", "LogLockedError",
    "CorruptLogError",
}  # fmt: skip


def test_all_lists_exactly_the_public_names() -> None:
    public = {n for n in dir(erfurt.log) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(erfurt.log, n)).__name__ == "module"}
    assert set(erfurt.log.__all__) == public - modules - {"annotations"}
    assert set(erfurt.log.__all__) >= CONTRACT


def test_errors_form_one_tree() -> None:
    for name in erfurt.log.__all__:
        obj = getattr(erfurt.log, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, erfurt.log.LogError)


def test_docstring_example_runs() -> None:
    assert erfurt.log.__doc__ and erfurt.log.__doc__.lstrip().startswith("A C2SP tiled")
    result = doctest.testmod(erfurt.log, raise_on_error=True)
    assert result.attempted >= 8
