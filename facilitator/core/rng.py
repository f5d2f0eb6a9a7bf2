"""A tiny seeded random generator for the pure planners (seating, pairing, the agenda).

The standard library's ``random`` is avoided on purpose: the planners must give the same
answer for the same arguments on every Python version and platform, and the pure core takes no
hidden state. SplitMix64 is small, fast and stable.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1


class Rng:
    """SplitMix64: a tiny seeded generator, stable across Python versions and platforms."""

    def __init__(self, seed: int) -> None:
        self.state = (seed * 0xD1B54A32D192ED03 + 0x632BE59BD9B4E019) & _MASK

    def next(self) -> int:
        """The next 64-bit number."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        """A number from 0 to n - 1."""
        return self.next() % n

    def unit(self) -> float:
        """A float in [0, 1)."""
        return (self.next() >> 11) / float(1 << 53)

    def shuffle(self, xs: list) -> None:
        """Shuffle ``xs`` in place (Fisher-Yates)."""
        for i in range(len(xs) - 1, 0, -1):
            j = self.below(i + 1)
            xs[i], xs[j] = xs[j], xs[i]
