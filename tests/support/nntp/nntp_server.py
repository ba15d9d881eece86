"""A scripted NNTP server (RFC 3977) for corofetch's tests, on 127.0.0.1 and an ephemeral port
(printed as "PORT n"). It holds one group, --group, with --articles articles numbered from
--low; article n has message-id <n@test.invalid>, subject "Article n", and a body whose line
".hidden" must reach a client un-stuffed. It answers MODE READER, GROUP, OVER (or, with
--no-over, only XOVER), ARTICLE <id> and QUIT, and appends each command it receives to --log."""
import argparse
import asyncio


def article(n):
    head = (f"From: poster{n}@test.invalid\r\nNewsgroups: {ARGS.group}\r\n"
            f"Subject: Article {n}\r\nDate: 0{n % 10} Jan 2026 00:00:00 +0000\r\n"
            f"Message-ID: <{n}@test.invalid>\r\n")
    body = f"Body of article {n}.\r\n.hidden line\r\n..two dots\r\nend\r\n"
    return head + "\r\n" + body


def overview(n):
    text = article(n)
    return "\t".join([str(n), f"Article {n}", f"poster{n}@test.invalid",
                      f"0{n % 10} Jan 2026 00:00:00 +0000", f"<{n}@test.invalid>", "",
                      str(len(text)), str(text.count("\r\n"))])


def stuffed(text):
    lines = text.split("\r\n")[:-1]
    return "".join(("." + l if l.startswith(".") else l) + "\r\n" for l in lines) + ".\r\n"


async def serve(reader, writer):
    high = ARGS.low + ARGS.articles - 1
    writer.write(b"200 corofetch test news server ready\r\n")
    selected = False
    while True:
        line = await reader.readline()
        if not line:
            break
        command = line.decode().rstrip("\r\n")
        with open(ARGS.log, "a") as log:
            log.write(command + "\n")
        word, _, arg = command.partition(" ")
        word = word.upper()
        if word == "QUIT":
            writer.write(b"205 bye\r\n")
            await writer.drain()
            break
        if word == "MODE":
            writer.write(b"201 reader mode, posting prohibited\r\n")
        elif word == "GROUP":
            if arg != ARGS.group:
                writer.write(b"411 no such group\r\n")
            else:
                selected = True
                writer.write(f"211 {ARGS.articles} {ARGS.low} {high} {ARGS.group}\r\n".encode())
        elif word in ("OVER", "XOVER") and not (word == "OVER" and ARGS.no_over):
            first, _, last = arg.partition("-")
            numbers = [n for n in range(int(first), int(last or first) + 1) if ARGS.low <= n <= high]
            if not selected:
                writer.write(b"412 no group selected\r\n")
            elif not numbers:
                writer.write(b"423 no articles in that range\r\n")
            else:
                writer.write(b"224 overview follows\r\n")
                writer.write("".join(overview(n) + "\r\n" for n in numbers).encode())
                writer.write(b".\r\n")
        elif word == "ARTICLE":
            n = arg.strip("<>").split("@")[0]
            if arg.endswith("@test.invalid>") and n.isdigit() and ARGS.low <= int(n) <= high:
                writer.write(f"220 0 {arg}\r\n".encode())
                writer.write(stuffed(article(int(n))).encode())
            else:
                writer.write(b"430 no such article\r\n")
        else:
            writer.write(b"500 unknown command\r\n")
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", default="comp.protocols.tcp-ip")
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--low", type=int, default=101)
    parser.add_argument("--no-over", action="store_true")
    parser.add_argument("--log", required=True)
    ARGS = parser.parse_args()
    asyncio.run(main())
