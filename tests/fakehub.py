"""A tiny Hugging Face hub on loopback: the endpoints huggingface_hub's downloads use.

HEAD and GET /{repo}/resolve/{revision}/{file}, with the headers the hub sends (X-Repo-Commit,
ETag and X-Linked-Etag: the sha256 of a large file, Content-Length, X-Linked-Size), honouring
Range requests, so tests see real downloads, with real progress, resumed after an interruption.
Set HF_ENDPOINT to `server.url`."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class FakeHub:
    files: dict[tuple[str, str], bytes]
    """(repo, filename) -> content."""
    url: str = ""
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(method, path, Range header) of every request."""
    delay_s: float = 0.0
    """Sleep per 64 KiB chunk sent (to give a test time to cancel)."""
    commit: str = COMMIT


class _Handler(http.server.BaseHTTPRequestHandler):
    hub: FakeHub

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _find(self) -> tuple[bytes, str] | None:
        parts = self.path.split("?")[0].strip("/").split("/")
        if "resolve" not in parts:
            return None
        i = parts.index("resolve")
        repo, revision, filename = "/".join(parts[:i]), parts[i + 1], "/".join(parts[i + 2:])
        data = self.hub.files.get((repo, filename))
        if data is None or revision not in ("main", self.hub.commit):
            return None
        return data, filename

    def _headers(self, data: bytes, status: int, length: int, start: int = 0) -> None:
        digest = hashlib.sha256(data).hexdigest()
        self.send_response(status)
        self.send_header("X-Repo-Commit", self.hub.commit)
        self.send_header("ETag", f'"{digest}"')
        self.send_header("X-Linked-Etag", f'"{digest}"')
        self.send_header("X-Linked-Size", str(len(data)))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()

    def do_HEAD(self) -> None:
        self.hub.requests.append(("HEAD", self.path, self.headers.get("Range")))
        found = self._find()
        if found is None:
            self.send_response(404)
            self.send_header("X-Error-Code", "EntryNotFound")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._headers(found[0], 200, len(found[0]))

    def do_GET(self) -> None:
        import time

        rng = self.headers.get("Range")
        self.hub.requests.append(("GET", self.path, rng))
        found = self._find()
        if found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = found[0]
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        self._headers(data, 206 if rng else 200, len(data) - start, start)
        try:
            for i in range(start, len(data), 1 << 16):
                self.wfile.write(data[i:i + (1 << 16)])
                if self.hub.delay_s:
                    time.sleep(self.hub.delay_s)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (a cancelled download)


@contextmanager
def fake_hub(files: dict[tuple[str, str], bytes], delay_s: float = 0.0) -> Iterator[FakeHub]:
    hub = FakeHub(files, delay_s=delay_s)
    handler = type("Handler", (_Handler,), {"hub": hub})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
