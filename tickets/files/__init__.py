"""What an uploaded file is and how it is made safe: recognised by its bytes
(``sniff``), given a harmless name (``names``), images re-encoded without
their metadata (``images``), optionally scanned by clamd (``clamd``).
Pure functions over bytes and file objects: no models, no storage."""
