#!/usr/bin/env python3
"""A slow origin for bench/page/run.sh: serves the files under ROOT over HTTP/1.1 keep-alive on
127.0.0.1, each response after DELAY_MS (a distant server's round trip), and prints its port.
    origin.py ROOT DELAY_MS"""
import asyncio
import mimetypes
import pathlib
import sys

root = pathlib.Path(sys.argv[1]).resolve()
delay = int(sys.argv[2]) / 1000.0
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("text/css", ".css")


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
            if target.endswith("/"):
                target += "index.html"
            path = (root / target.lstrip("/")).resolve()
            await asyncio.sleep(delay)
            if root in path.parents and path.is_file():
                body = path.read_bytes()
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                status = b"200 OK"
            else:
                body, kind, status = b"not found", "text/plain", b"404 Not Found"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind.encode() +
                         b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
