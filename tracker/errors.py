"""Domain errors: services raise these; pages and the CLI turn them into plain words."""


class SharedLoadError(Exception):
    """Base of every error a user may see. Its message is safe to show: it leaks nothing."""


class ValidationError(SharedLoadError):
    """The input is not acceptable; nothing was stored."""


class PossibleIdentifier(ValidationError):
    """Free text looks like it holds a patient identifier; saving needs an explicit 'save anyway'."""

    def __init__(self, kinds: list[str]):
        self.kinds = kinds
        listed = ", ".join(kinds)
        super().__init__(
            f"This text looks like it may contain a patient identifier ({listed}). "
            "Please remove it, or confirm that it is not one and save anyway."
        )


class Conflict(ValidationError):
    """Two saves of the same thing met at the same moment; the other one won. Nothing of this one stored."""


class NotAllowed(SharedLoadError):
    """The acting person may not do this. Also used for 'not found' so existence is not leaked."""


class HistorySealed(NotAllowed):
    """An administrator reset this person's password: their private history waits for them to unseal it."""


class SignInFailed(SharedLoadError):
    """Same message whether the e-mail is unknown, the password wrong or the account inactive."""

    def __init__(self, message: str = "That e-mail and password do not match an active account.") -> None:
        super().__init__(message)


class SignInThrottled(SignInFailed):
    """Too many consecutive failures on this account: even the right password waits until `retry_at`
    (None: locked until an administrator unlocks it). See tracker/throttle.py."""

    def __init__(self, message: str, retry_at=None) -> None:
        super().__init__(message)
        self.retry_at = retry_at
