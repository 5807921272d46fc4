"""Errors a user can fix; their messages are Spanish and say what to do."""


class TrackingError(Exception):
    """A request that cannot be carried out as given."""


class NotFound(TrackingError):
    """The named commitment, región, territorio or institution does not exist."""


class InvalidChange(TrackingError):
    """A change that the rules do not allow."""


class Closed(InvalidChange):
    """A change refused because the commitment is fulfilled or cancelled
    (or waiting for verification, where only evidence is accepted)."""
