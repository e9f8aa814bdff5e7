#!/usr/bin/env python3
"""udp_echo.py: the Python reference for examples/udp_echo_server, a plain `socket` loop.

    python3 bench/udp_echo.py [-H HOST] [-p PORT] [-n N]

Prints "listening on HOST:PORT" (port 0, the default, picks a free port), then echoes every
datagram with recvfrom/sendto until SIGINT/SIGTERM or after -n N datagrams, and prints
"echoed N datagram(s), exiting". A signal ends a blocked recvfrom at once: its handler raises
(PEP 475 retries EINTR only when the handler returns).
"""

import argparse
import signal
import socket
import sys


class Stop(Exception):
    pass


def on_signal(signum, frame):
    raise Stop()


def main():
    p = argparse.ArgumentParser(prog="udp_echo.py")
    p.add_argument("-H", "--host", default="127.0.0.1")
    p.add_argument("-p", "--port", type=int, default=0)
    p.add_argument("-n", "--max-datagrams", type=int, default=0)
    a = p.parse_args()
    family = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((a.host, a.port))
    host, port = s.getsockname()[:2]
    print(f"listening on [{host}]:{port}" if family == socket.AF_INET6 else f"listening on {host}:{port}",
          flush=True)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    count = 0
    recvfrom, sendto = s.recvfrom, s.sendto
    try:
        while a.max_datagrams == 0 or count < a.max_datagrams:
            try:
                data, sender = recvfrom(65536)
            except ConnectionRefusedError:
                continue
            sendto(data, sender)
            count += 1
    except Stop:
        pass
    print(f"echoed {count} datagram(s), exiting", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
