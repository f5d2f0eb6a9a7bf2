"""Where user-facing text is marked for translation.

Every sentence a person reads goes through ``_`` (gettext-style), so a catalogue can be
added later without touching the code that raises or renders it.
"""

from gettext import gettext as _  # noqa: F401  (re-exported marker)
from gettext import ngettext  # noqa: F401

__all__ = ["_", "ngettext"]
