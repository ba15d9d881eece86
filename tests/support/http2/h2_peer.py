"""A scripted HTTP/2 server (h2c, prior knowledge) for corofetch's fault tests, over Debian's
python3-h2: listens on 127.0.0.1, an ephemeral port printed as "PORT n", serves one connection
as its scenario says, and exits when that connection ends or after --lifetime seconds. With
--connections N it serves N, one after the other, the scenario on the one --scenario-on names
(the first by default) and "normal" on the others.

Requests to /size/N get N bytes (a pattern); others get their path as the body. Scenarios:
  normal        answers everything
  goaway        waits for --streams requests, answers the first --answer of them, then sends
                GOAWAY(NO_ERROR) naming the last one answered and closes: the rest are unprocessed
  rst           resets any stream whose path starts with /reset (INTERNAL_ERROR); others normal
  limit1        SETTINGS_MAX_CONCURRENT_STREAMS 1; answers each request 50 ms later with header
                x-open-streams (how many streams were open when it came); refuses (REFUSED_STREAM)
                a stream beyond the limit
  tinywindow    SETTINGS_INITIAL_WINDOW_SIZE 100 and a connection window kept small: the client's
                request bodies trickle; the answer echoes the request body
  noack         sends its SETTINGS but never acknowledges the client's, and never answers
  hugeheaders   answers with --header-bytes of header fields (many 1000-byte fields)
  continuation  answers with a HEADERS frame and endless empty CONTINUATION frames
"""
import argparse
import select
import socket
import struct
import sys
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings


def pattern(n):
    unit = bytes(range(256))
    return (unit * (n // 256 + 1))[:n]


def frame(length, ftype, flags, stream_id):
    return struct.pack(">I", length)[1:] + bytes([ftype, flags]) + struct.pack(">I", stream_id)


class Peer:
    def __init__(self, sock, args):
        self.sock = sock
        self.args = args
        self.scenario = args.scenario
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.requests = {}  # stream id -> (headers, body bytearray)
        self.open_streams = set()
        self.order = []
        self.later = []  # (time, stream id)
        self.done = False

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def start(self):
        if self.scenario == "noack":
            self.sock.sendall(frame(0, 0x4, 0, 0))  # an empty SETTINGS, and nothing else ever
            return
        self.conn.initiate_connection()
        settings = {}
        if self.scenario == "limit1":
            settings[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS] = 1
        if self.scenario == "tinywindow":
            settings[h2.settings.SettingCodes.INITIAL_WINDOW_SIZE] = 100
        if settings:
            self.conn.update_settings(settings)
        self.flush()

    def body_for(self, path):
        if path.startswith("/size/"):
            return pattern(int(path[len("/size/"):]))
        return path.encode()

    def respond(self, stream_id, extra_headers=(), body=None):
        headers, received = self.requests[stream_id]
        path = dict(headers).get(":path", "/")
        if body is None:
            body = bytes(received) if self.scenario == "tinywindow" else self.body_for(path)
        fields = [(":status", "200"), ("content-length", str(len(body)))] + list(extra_headers)
        self.conn.send_headers(stream_id, fields, end_stream=not body)
        self.send_body(stream_id, body)

    def send_body(self, stream_id, body):
        # Within the client's windows; what does not fit waits for its WINDOW_UPDATE.
        pending = getattr(self, "pending", {})
        self.pending = pending
        pending[stream_id] = pending.get(stream_id, b"") + body
        self.push_pending()

    def push_pending(self):
        for stream_id in list(getattr(self, "pending", {})):
            data = self.pending[stream_id]
            try:
                while data:
                    window = self.conn.local_flow_control_window(stream_id)
                    n = min(window, self.conn.max_outbound_frame_size, len(data))
                    if n <= 0:
                        break
                    self.conn.send_data(stream_id, data[:n], end_stream=(n == len(data)))
                    data = data[n:]
            except h2.exceptions.StreamClosedError:
                data = b""  # the client reset it
            if data:
                self.pending[stream_id] = data
            else:
                del self.pending[stream_id]
                self.open_streams.discard(stream_id)

    def on_request_complete(self, stream_id):
        headers, _ = self.requests[stream_id]
        path = dict(headers).get(":path", "/")
        if self.scenario == "goaway":
            if len(self.order) == self.args.streams:
                answered = self.order[: self.args.answer]
                for sid in answered:
                    self.respond(sid)
                self.conn.close_connection(error_code=0, last_stream_id=answered[-1])
                self.flush()
                self.done = True
            return
        if self.scenario == "rst" and path.startswith("/reset"):
            self.conn.reset_stream(stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
            self.open_streams.discard(stream_id)
            return
        if self.scenario == "limit1":
            self.later.append((time.monotonic() + 0.05, stream_id))
            return
        if self.scenario == "hugeheaders":
            fields = [("x-filler-%d" % i, "f" * 1000) for i in range(self.args.header_bytes // 1000)]
            self.respond(stream_id, fields)
            return
        if self.scenario == "continuation":
            self.flush()
            flood = frame(1, 0x1, 0, stream_id) + b"\x88"
            flood += frame(0, 0x9, 0, stream_id) * 1000
            self.sock.sendall(flood)
            return
        self.respond(stream_id)

    def handle(self, event):
        if isinstance(event, h2.events.RequestReceived):
            self.requests[event.stream_id] = (event.headers, bytearray())
            self.order.append(event.stream_id)
            if self.scenario == "limit1" and len(self.open_streams) >= 1:
                self.conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
                return
            self.open_streams.add(event.stream_id)
            if event.stream_ended is not None:
                self.on_request_complete(event.stream_id)
        elif isinstance(event, h2.events.DataReceived):
            self.requests[event.stream_id][1].extend(event.data)
            # Windows reopen only by what was consumed: with tinywindow, 100 bytes at a time.
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if event.stream_ended is not None:
                self.on_request_complete(event.stream_id)
        elif isinstance(event, h2.events.WindowUpdated):
            self.safely(self.push_pending)
        elif isinstance(event, h2.events.StreamReset):
            self.open_streams.discard(event.stream_id)
            getattr(self, "pending", {}).pop(event.stream_id, None)
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.done = True

    def safely(self, action, *args):
        # A stream the client reset meanwhile is no fault of the peer's: skip it.
        try:
            action(*args)
        except (h2.exceptions.StreamClosedError, h2.exceptions.StreamIDTooLowError) as e:
            self.open_streams.discard(e.stream_id)
            getattr(self, "pending", {}).pop(e.stream_id, None)

    def run(self, deadline):
        self.start()
        while not self.done and time.monotonic() < deadline:
            timeout = 0.02 if self.later else 0.2
            readable, _, _ = select.select([self.sock], [], [], timeout)
            now = time.monotonic()
            due = [sid for (t, sid) in self.later if t <= now]
            self.later = [(t, sid) for (t, sid) in self.later if t > now]
            for sid in due:
                self.safely(self.respond, sid, [("x-open-streams", str(len(self.open_streams)))])
            if readable:
                data = self.sock.recv(65536)
                if not data:
                    return
                if self.scenario == "noack":
                    continue
                # RequestReceived and DataReceived carry stream_ended when END_STREAM came.
                for event in self.conn.receive_data(data):
                    self.safely(self.handle, event)
            if self.scenario != "noack":
                self.flush()
        if self.done:
            time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("--streams", type=int, default=6)
    parser.add_argument("--answer", type=int, default=3)
    parser.add_argument("--header-bytes", type=int, default=100000)
    parser.add_argument("--lifetime", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=1,
                        help="connections served one after the other")
    parser.add_argument("--scenario-on", type=int, default=1,
                        help="which connection (1-based) plays the scenario; the others are normal")
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    print("PORT", listener.getsockname()[1], flush=True)
    deadline = time.monotonic() + args.lifetime
    scenario = args.scenario
    for n in range(args.connections):
        listener.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            sock, _ = listener.accept()
        except socket.timeout:
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        args.scenario = scenario if n + 1 == args.scenario_on else "normal"
        try:
            Peer(sock, args).run(deadline)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            sock.close()


if __name__ == "__main__":
    sys.exit(main())
