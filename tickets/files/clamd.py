"""Ask clamd whether a file is infected, over its unix socket (the INSTREAM command).

The protocol is a few lines (clamd(8)): ``zINSTREAM\\0``, then chunks each
prefixed by its length as a 4-byte big-endian number, a zero length to end;
the answer is ``stream: OK``, ``stream: <signature> FOUND`` or ``… ERROR``,
ended by ``\\0``. Written here rather than pulled in as a library: the
maintained clients are asyncio-only (aioclamd) or unmaintained (pyclamd,
clamd).
"""

import socket
import struct

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not be asked, or answered with an error: nothing is known."""


def scan(fileobj, *, socket_path: str, timeout: float) -> str | None:
    """The signature name when clamd finds the file infected, ``None`` when clean."""
    fileobj.seek(0)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            while chunk := fileobj.read(CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                answer += part
    except OSError as exc:
        raise ScanUnavailable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        fileobj.seek(0)
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip() or "unknown"
    if text.endswith("OK"):
        return None
    raise ScanUnavailable(text or "empty answer")
