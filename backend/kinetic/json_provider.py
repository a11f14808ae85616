"""Flask's JSON answers (jsonify, and flask-smorest's through it), encoded by
orjson; `flask.json.dumps` stays the standard library's.

A profile of GET /me/today under load put 8% of it in the standard library's
encoder. The bytes keep Flask's form outside debug mode: keys sorted, no spaces,
a final newline. Dates, dataclasses and anything else orjson leaves to Flask go
through Flask's own `default`, so they read as before; what orjson refuses
(keys that are not strings, say) falls back to Flask's encoder. The one visible
difference: text outside ASCII is sent as UTF-8, not as \\u escapes (the same
JSON)."""

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


class OrjsonProvider(DefaultJSONProvider):
    def _encode(self, obj: Any) -> bytes | None:
        try:
            return orjson.dumps(obj, default=self.default, option=OPTIONS)
        except TypeError:
            return None

    def response(self, *args: Any, **kwargs: Any):
        if self._app.debug or self.compact is False:
            return super().response(*args, **kwargs)
        encoded = self._encode(self._prepare_response_obj(args, kwargs))
        if encoded is None:
            return super().response(*args, **kwargs)
        return self._app.response_class(encoded + b"\n", mimetype=self.mimetype)
