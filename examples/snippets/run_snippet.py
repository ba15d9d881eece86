#!/usr/bin/env python3
"""Runs one README snippet (examples/snippets/NAME.cpp, built as BINARY) and checks its output.

The snippets that need a server get one on loopback, started here on a port the kernel picks:
an HTTP server for the sample site (examples/sample-site) and a DNS server that answers MX
queries for example.test. Every run is bounded in time; nothing leaves the machine.

usage: run_snippet.py NAME BINARY SITE_DIR
"""
import functools
import http.server
import re
import socket
import struct
import subprocess
import sys
import threading


def serve_site(site_dir):
    """Serves site_dir over HTTP on 127.0.0.1; returns the server (its port in server_address)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client closing mid-response (the load snippet's end) is not news

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=site_dir))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def dns_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"


def dns_reply(query):
    """The answer to a query (RFC 1035 4.1): two MX records for example.test, the higher
    preference first so that the resolver's sorting shows; NXDOMAIN for any other name."""
    end = 12
    while query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    qname = query[12:end + 1]
    (qtype,) = struct.unpack("!H", query[end + 1:end + 3])
    flags = 0x8180  # a response, recursion desired and available, no error
    if qname.lower() != dns_name("example.test"):
        return query[:2] + struct.pack("!HHHHH", flags | 3, 1, 0, 0, 0) + question
    answers = []
    if qtype == 15:
        for preference, host in ((20, "backup.example.test"), (10, "mail.example.test")):
            rdata = struct.pack("!H", preference) + dns_name(host)
            answers.append(struct.pack("!HHHIH", 0xC00C, 15, 1, 300, len(rdata)) + rdata)
    header = struct.pack("!HHHHH", flags, 1, len(answers), 0, 0)
    return query[:2] + header + question + b"".join(answers)


def serve_dns():
    """Answers UDP DNS queries on 127.0.0.1; returns the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))

    def loop():
        while True:
            query, peer = sock.recvfrom(4096)
            try:
                sock.sendto(dns_reply(query), peer)
            except (IndexError, struct.error):
                pass  # not a query this server understands: no answer

    threading.Thread(target=loop, daemon=True).start()
    return sock.getsockname()[1]


def main():
    name, binary, site_dir = sys.argv[1:4]
    args, expected = [], None
    if name == "url":
        expected = ("www.cyber.co.kr\n80\n/dir/\nindex.html\n"
                    "http://user:password@www.cyber.co.kr/img/a.png\n")
    elif name == "fetch":
        port = serve_site(site_dir).server_address[1]
        size = len(open(f"{site_dir}/index.html", "rb").read())
        args = [f"http://127.0.0.1:{port}/index.html"]
        expected = f"200 {size} bytes, reused: false\n"
    elif name == "dns_mx":
        args = [f"127.0.0.1:{serve_dns()}", "example.test"]
        expected = ("example.test. 300 IN MX 10 mail.example.test.\n"
                    "example.test. 300 IN MX 20 backup.example.test.\n")
    elif name == "page":
        port = serve_site(site_dir).server_address[1]
        args = [f"http://127.0.0.1:{port}/"]
        # The sample site's page names 25 images (README "Set-up").
        expected = re.compile(rf"(200 http://127\.0\.0\.1:{port}/\S+ \d+ bytes\n){{25}}"
                              r"25 images, 0 failed, \d+ bytes\n")
    elif name == "load":
        port = serve_site(site_dir).server_address[1]
        args = [f"http://127.0.0.1:{port}/index.html"]
        # 2,000 requests a second for 2 s, all answered 200 (a Python server keeps up on
        # loopback; the rate and latencies themselves are not checked: the machine is shared).
        expected = re.compile(r"(\d+) responses, \1 with status 200\n"
                              r"\d+ requests/s, p50 \d+ us, p99 \d+ us, max \d+ us\n")
    else:
        sys.exit(f"run_snippet: no check for snippet '{name}': add one")
    run = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    matched = (expected.fullmatch(run.stdout) if isinstance(expected, re.Pattern)
               else run.stdout == expected)
    if run.returncode != 0 or not matched:
        sys.exit(f"snippet {name} {' '.join(args)}: exit {run.returncode}\n"
                 f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}\nexpected:\n"
                 f"{expected.pattern if isinstance(expected, re.Pattern) else expected}")


if __name__ == "__main__":
    main()
