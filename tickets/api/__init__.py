"""The manager JSON API (``/manager/…``) and the JSON plumbing other endpoints reuse."""
