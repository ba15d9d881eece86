"""A real SMTP server for corofetch's tests: Debian's python3-aiosmtpd on one loopback address
and port. --mode accept takes every message and writes it, byte for byte as received after
dot-unstuffing, to OUT.eml, its envelope to OUT.env ("MAIL FROM", then one "RCPT" a line, then
"TLS yes|no"); --mode tempfail answers RCPT with 451, --mode reject with 550. --cert/--key offer
STARTTLS. Prints "READY" once listening."""
import argparse
import signal
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, mode, out):
        self.mode = mode
        self.out = out

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "tempfail":
            return "451 4.3.0 Try again later"
        if self.mode == "reject":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with open(self.out + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(self.out + ".env", "w") as f:
            f.write(f"{envelope.mail_from}\n")
            for r in envelope.rcpt_tos:
                f.write(f"{r}\n")
            f.write("TLS " + ("yes" if session.ssl else "no") + "\n")
        return "250 OK queued"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=["accept", "tempfail", "reject"], default="accept")
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    kwargs = {}
    if args.cert:
        import ssl
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        kwargs["tls_context"] = context
    controller = Controller(Handler(args.mode, args.out), hostname=args.host, port=args.port,
                            **kwargs)
    controller.start()
    print("READY", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
