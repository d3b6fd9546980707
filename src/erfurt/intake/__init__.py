"""Secure intake: sources submit documents encrypted on arrival, read offline, answered.

The server holds only the organisation's public intake key (:mod:`.keys`); submissions
are encrypted as they stream in (:mod:`.envelope`, :mod:`.desk`) and logged as
``intake.received``; ``export``/``open`` (:mod:`.offline`) carry them to a machine holding
the private key, where each opened document cites its arrival (:mod:`.custody`). Replies
are signed offline and encrypted to a key derived from the source's codename
(:mod:`.replies`, :mod:`.codename`). See docs/intake.md.

    $ erfurt intake keygen /media/keys/intake.key          # on the offline machine
    $ erfurt intake enable --archive ./server intake.key.pub
    $ erfurt intake export --archive ./server /media/usb
    $ erfurt intake open /media/usb --key-file /media/keys/intake.key --into ./offline
"""

from erfurt.intake.codename import (
    CODENAME_WORDS,
    FORM_KEY_HOURS,
    WORDS,
    form_codename,
    new_codename,
    new_form_key,
    normalise_codename,
)
from erfurt.intake.custody import IntakeCustody, intake_fields, verify_intake_custody
from erfurt.intake.desk import IntakeDesk, ShownReply, Submission, TooLarge, public_key_path
from erfurt.intake.envelope import EnvelopeWriter, open_envelope
from erfurt.intake.keys import (
    IntakeKey,
    IntakePublicKey,
    generate_key,
    read_private_key,
    read_public_key,
)
from erfurt.intake.offline import (
    OpenedSubmission,
    export_submissions,
    open_submissions,
)
from erfurt.intake.replies import write_reply
from erfurt.intake.strip import strip_metadata

__all__ = [
    "CODENAME_WORDS",
    "FORM_KEY_HOURS",
    "WORDS",
    "EnvelopeWriter",
    "IntakeCustody",
    "IntakeDesk",
    "IntakeKey",
    "IntakePublicKey",
    "OpenedSubmission",
    "ShownReply",
    "Submission",
    "TooLarge",
    "export_submissions",
    "form_codename",
    "generate_key",
    "intake_fields",
    "new_codename",
    "new_form_key",
    "normalise_codename",
    "open_envelope",
    "open_submissions",
    "public_key_path",
    "read_private_key",
    "read_public_key",
    "strip_metadata",
    "verify_intake_custody",
    "write_reply",
]
