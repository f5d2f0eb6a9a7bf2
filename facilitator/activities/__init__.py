"""Activity kinds a plan's stage can use. Each module is pure: OPTIONS for the plan,
commands (``facilitator.core.commands.command``), reducers and notifiers."""

from types import ModuleType

from facilitator.activities import notes

KINDS: dict[str, ModuleType] = {"notes": notes}
