"""A tiny clamd on a unix socket, speaking INSTREAM as clamd(8) does.

    with FakeClamd(tmp_path / "clamd.sock") as clamd:
        settings.CLAMD_SOCKET = clamd.path
        clamd.scanned                   # bytes of each stream it read

A stream holding the EICAR test string is ``stream: Eicar-Test-Signature FOUND``;
anything else ``stream: OK``. ``reply`` overrides the answer (e.g.
``"INSTREAM size limit exceeded. ERROR"``); ``hang`` makes it never answer.
"""

import socket
import struct
import threading

EICAR = (rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")


class FakeClamd:
    def __init__(self, path):
        self.path = str(path)
        self.scanned: list[bytes] = []
        self.commands: list[bytes] = []
        self.reply: str | None = None
        self.hang = threading.Event()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(8)
        self._stop = threading.Event()

    def __enter__(self):
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.hang.clear()
        self._server.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    @staticmethod
    def _read(conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError("closed")
            data += part
        return data

    def _session(self, conn):
        with conn:
            try:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read(conn, 1)
                self.commands.append(command)
                if command != b"zINSTREAM\0":
                    conn.sendall(b"UNKNOWN COMMAND\0")
                    return
                stream = b""
                while (size := struct.unpack("!L", self._read(conn, 4))[0]):
                    stream += self._read(conn, size)
                self.scanned.append(stream)
                if self.hang.is_set():
                    self._stop.wait(30)
                    return
                answer = self.reply or ("stream: Eicar-Test-Signature FOUND" if EICAR in stream
                                        else "stream: OK")
                conn.sendall(answer.encode() + b"\0")
            except (ConnectionError, OSError):
                return
