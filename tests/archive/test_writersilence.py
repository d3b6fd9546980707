"""A worker's record of its writer's silence: requests go on while the writer answers;
once one went unanswered, one request at a time probes it and the rest fail at once
saying since when, until a probe is answered."""

from __future__ import annotations

from erfurt.archive.writersilence import Turn, WriterSilence


def test_one_request_at_a_time_probes_a_silent_writer_until_it_answers() -> None:
    now = [100.0]
    silence = WriterSilence(clock=lambda: now[0])
    assert silence.turn() == Turn()  # it answers: every request goes on
    silence.unanswered(40.0)
    silence.unanswered(70.0)  # a later request unanswered too: silent since the first
    now[0] = 130.0
    assert silence.turn() == Turn(probe=True)
    assert silence.turn() == Turn(silent_s=90.0)  # another is probing: fail at once
    silence.end_probe()  # that probe was not answered
    assert silence.turn() == Turn(probe=True)
    assert silence.turn() == Turn(silent_s=90.0)
    silence.answered()
    silence.end_probe()
    assert silence.turn() == Turn() and silence.turn() == Turn()
