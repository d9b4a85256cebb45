"""JSON as the API writes it: UTF-8 text as it is, and numbers as JSON numbers.

A whole number (a value in yuan, a count) is written as an exact integer however large; a value with cents as a
decimal number (exact up to 15 significant digits, which holds every amount below 10 trillion yuan with cents).
"""

from decimal import Decimal

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class NumbersEncoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            if not o.is_finite():
                return None
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


class OpenDataRenderer(JSONRenderer):
    media_type = "application/json"
    charset = "utf-8"
    encoder_class = NumbersEncoder
    json_dumps_params = {"ensure_ascii": False}
