"""facilitator: run live, in-room participatory workshops."""

__version__ = "0.1.0"
