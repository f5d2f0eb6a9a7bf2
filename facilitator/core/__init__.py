"""The pure domain: plans, workshop state, commands and views. No I/O (see README.md)."""
