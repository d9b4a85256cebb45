"""Filters that settings.LOGGING attaches to loggers."""

import logging


def without_traceback(record: logging.LogRecord) -> bool:
    """Keep the record but drop its traceback, so it is written as its one line of message.

    For Django's refusal of a request whose Host header the site does not serve: the client's doing, not
    a fault of the code, and scanners send thousands; the message names the host, the traceback adds
    nothing but forty lines each.
    """
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    return True
