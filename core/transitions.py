"""The refusal every state machine in the service raises when a move is not allowed.

Each stage keeps its own states and moves (a tender's, a business case's, a decommissioning's...); they
all refuse the same way, so a page shows the refusal the same way (`core.forms.refusals_on`).
"""


class InvalidTransition(Exception):
    """The object is not in a state from which this move is allowed. The message is fit for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
