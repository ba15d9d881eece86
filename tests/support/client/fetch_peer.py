#!/ usr / bin / env python3
"""A loopback HTTP/1.1 server for cf-fetch's tests, which also runs curl against it.

It listens on 127.0.0.1 on a free port, prints the port on stdout, and serves until stdin
closes (the test fixture holds the other end, so it never outlives the test). Routes:

  /echo...            the request as JSON: method, target, headers, body (latin-1), and, for a
                      multipart/form-data body, its parts parsed by the email package
  /status/N           status N (?retry_after=S adds Retry-After)
  /flaky/KEY          ?fail=N&status=S&retry_after=T: the first N requests for KEY get S
  /text, /norange     1040 bytes of text;
/ text honours Range : bytes = N -, / norange does not / binary bytes with NULs /
                                            empty closes the connection without a reply / redirect /
                                            N 302 to / redirect / N -
                                        1; /redirect/0 answers "done"
  /cookie/set         Set-Cookie for every query parameter (?name=value&...)
  /cookie/show        the Cookie field received
  /gzip               a gzip-encoded body (Content-Encoding: gzip)
  /slow               ?ms=N: waits N ms before answering
"""
import email.parser
import email.policy
import gzip
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEXT = b"abcdefghijklmnopqrstuvwxyz" * 40
COUNTS = {}
LOCK = threading.Lock()


def parse_multipart(content_type, body):
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        return None
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        parts.append({
  "name" : part.get_param("name", header = "content-disposition"), "filename" : part.get_filename(),
      "content_type" : part.get_content_type() if part.get("Content-Type") else None,
      "value" : payload.decode("latin-1"),
        })
    return parts


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body=b"", content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        body = self.read_body()
        path = url.path
        if path.startswith("/echo"):
            doc = {
                "method": self.command,
                "target": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("latin-1"),
            }
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("multipart/form-data"):
                doc["parts"] = parse_multipart(ctype, body)
            self.answer(200, json.dumps(doc).encode(), "application/json")
        elif path.startswith("/status/"):
            extra = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
            code = int(path.split("/")[2])
            self.answer(code, f"status {code}\n".encode(), extra=extra)
        elif path.startswith("/flaky/"):
            with LOCK:
                COUNTS[path] = COUNTS.get(path, 0) + 1
                n = COUNTS[path]
            if n <= int(query.get("fail", "1")):
                extra = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
                self.answer(int(query.get("status", "503")), b"try again\n", extra=extra)
            else:
                self.answer(200, f"ok after {n - 1}\n".encode())
        elif path in ("/text", "/norange"):
            rng = self.headers.get("Range", "")
            if path == "/text" and rng.startswith("bytes="):
                start = int(rng[6:].split("-")[0])
                if start >= len(TEXT):
                    self.answer(416, b"", extra=[("Content-Range", f"bytes */{len(TEXT)}")])
                    return
                self.answer(206, TEXT[start:],
                            extra=[("Content-Range", f"bytes {start}-{len(TEXT) - 1}/{len(TEXT)}")])
            else:
                self.answer(200, TEXT)
        elif path == "/binary":
            self.answer(200, b"\x00\x01binary\x00\xff" * 8, "application/octet-stream")
        elif path == "/empty":
            self.close_connection = True
            self.wfile.flush()
        elif path.startswith("/redirect/"):
            n = int(path.split("/")[2])
            if n == 0:
                self.answer(200, b"done\n")
            else:
                self.answer(302, b"", extra=[("Location", f"/redirect/{n - 1}")])
        elif path == "/cookie/set":
            extra = [("Set-Cookie", f"{k}={v}; Path=/") for k, v in query.items()]
            self.answer(200, b"set\n", extra=extra)
        elif path == "/cookie/show":
            self.answer(200, (self.headers.get("Cookie", "") + "\n").encode())
        elif path == "/gzip":
            self.answer(200, gzip.compress(b"decoded text\n"), extra=[("Content-Encoding", "gzip")])
        elif path == "/slow":
            time.sleep(int(query.get("ms", "1000")) / 1000)
            self.answer(200, b"slow\n")
        else:
            self.answer(404, b"not found\n")

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the fixture closes its end
    os._exit(0)


if __name__ == "__main__":
    main()
