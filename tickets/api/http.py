"""Transitional: the JSON helpers moved to supportportal.http.

analytics/views.py and tests/bitrix_integration/test_inbound.py still import these
names from here; delete this module once they import from supportportal.http.
"""

from supportportal.http import (  # noqa: F401
    MAX_BODY_BYTES,
    api_error_from,
    json_endpoint,
    json_response,
    not_found,
)
