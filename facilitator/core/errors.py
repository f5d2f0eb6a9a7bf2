"""Domain errors: each carries a sentence a participant or facilitator can act on."""


class DomainError(Exception):
    """A request that the workshop refuses; ``message`` is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanError(DomainError):
    """A session plan that cannot be run; ``field`` names the part that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
