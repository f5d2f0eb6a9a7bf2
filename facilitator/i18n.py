"""Where user-facing text is marked for translation.

Every sentence a person reads goes through ``_`` (gettext-style), so a catalogue can be
added later (``facilitator/locale/<lang>/LC_MESSAGES/facilitator.mo``) without touching the
code that raises or renders it. The catalogue is looked up once, here: the module-level
``gettext.gettext`` searches the disk on every call (~70 µs, measured), too slow per note.
"""

import gettext
from pathlib import Path

_catalogue = gettext.translation("facilitator", localedir=Path(__file__).parent / "locale",
                                 fallback=True)
_ = _catalogue.gettext
ngettext = _catalogue.ngettext

__all__ = ["_", "ngettext"]
