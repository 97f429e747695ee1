"""A TCP proxy that makes a network slow and flaky on purpose, for the fault suite.

Put between the services and what they reach (RabbitMQ, the store): every service then connects
to the proxy's port, and the proxy opens a connection of its own to the real server for each.
While it runs, a test turns on:

- ``latency``: each chunk of bytes is handed on that many seconds after it arrived, in both
  directions (0.2 is 200 ms each way; a request and its answer take 400 ms more);
- ``bandwidth``: bytes per second, in each direction, shared by every connection of the proxy
  (as one slow link would be); None is as fast as the machine;
- ``reset_chance``: for each chunk handed on, the chance that the connection is reset in the
  middle of it (the first half goes through, then both sides get a TCP RST);
- ``reset_all()``: reset every open connection now, cutting whatever is on its way;
- ``silence_all()``: every open connection goes silent: from now on what either side sends is
  dropped, and neither side hears a reset or an end (as a NAT or a firewall that forgot the
  connection); new connections work. Only a side's own timeouts and heartbeats can tell.

Toxiproxy does the same but is a Go binary; this one lives in the test process, on an asyncio
loop of its own thread, so a test only sets attributes.
"""

import asyncio
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

CHUNK = 64 * 1024
# Bytes written at once under a bandwidth cap: small enough that connections share the link.
SLICE = 1024
# Chunks read ahead of the writer per direction: a reader waits beyond that, as a socket buffer
# that is full makes its sender wait.
QUEUED = 64


@dataclass
class Counts:
    connections: int = 0
    resets: int = 0
    silenced: int = 0
    bytes: int = 0


class _Link:
    """Bytes per second in one direction, shared by every connection: each write reserves
    its slot on the link and waits for it."""

    def __init__(self, proxy: "FaultProxy"):
        self.proxy = proxy
        self.free_at = 0.0

    async def carry(self, size: int) -> None:
        rate = self.proxy.bandwidth
        if not rate:
            return
        now = time.monotonic()
        self.free_at = max(self.free_at, now) + size / rate
        await asyncio.sleep(self.free_at - now)


@dataclass(eq=False)
class _Connection:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    tasks: list[asyncio.Task] = field(default_factory=list)
    reset: bool = False
    silent: bool = False

    def abort(self) -> None:
        """A TCP RST to both sides (SO_LINGER 0), not an orderly close: as a middlebox or a
        dying host does it."""
        if self.reset:
            return
        self.reset = True
        for writer in (self.client, self.upstream):
            sock = writer.transport.get_extra_info("socket")
            try:
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            writer.transport.abort()
        for task in self.tasks:
            task.cancel()


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", seed: int | None = None,
                 port: int = 0):
        """``port``: where it listens (0: a free port, read in ``port`` once entered)."""
        self.target = (target_host, target_port)
        self._listen = port
        self.latency = 0.0
        self.bandwidth: int | None = None
        self.reset_chance = 0.0
        self.counts = Counts()
        self.port = 0
        self._random = random.Random(seed)
        self._open: set[_Connection] = set()
        self._links = {"up": _Link(self), "down": _Link(self)}
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="faultproxy",
                                        daemon=True)

    def __enter__(self) -> "FaultProxy":
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._serve, "127.0.0.1", self._listen))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        self.calm()

        async def close():
            self._server.close()
            for connection in list(self._open):
                connection.abort()

        self._call(close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    def calm(self) -> None:
        """Back to a fast, reliable network (open connections stay)."""
        self.latency, self.bandwidth, self.reset_chance = 0.0, None, 0.0

    def reset_all(self) -> int:
        """Reset every open connection now; returns how many."""
        async def reset():
            found = list(self._open)
            for connection in found:
                self._reset(connection)
            return len(found)

        return self._call(reset())

    def silence_all(self) -> int:
        """Silence every open connection now; returns how many."""
        async def silence():
            for connection in self._open:
                connection.silent = True
            self.counts.silenced += len(self._open)
            return len(self._open)

        return self._call(silence())

    def uri(self, uri: str) -> str:
        """``uri`` (amqp://… or mongodb://…) with its host and port replaced by the proxy's."""
        scheme, rest = uri.split("://", 1)
        credentials, _, after = rest.rpartition("@")
        address, sep, tail = after.partition("/")
        assert address == f"{self.target[0]}:{self.target[1]}", (address, self.target)
        return f"{scheme}://{credentials + '@' if credentials else ''}127.0.0.1:{self.port}{sep}{tail}"

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    def _reset(self, connection: _Connection) -> None:
        if not connection.reset:
            self.counts.resets += 1
        connection.abort()
        self._open.discard(connection)

    async def _serve(self, client_reader, client_writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:  # the server is down: so is the connection through us
            client_writer.transport.abort()
            return
        connection = _Connection(client_writer, upstream_writer)
        self._open.add(connection)
        self.counts.connections += 1
        connection.tasks = [
            asyncio.ensure_future(self._pipe(connection, client_reader, upstream_writer, "up")),
            asyncio.ensure_future(self._pipe(connection, upstream_reader, client_writer, "down"))]
        await asyncio.gather(*connection.tasks, return_exceptions=True)
        self._open.discard(connection)
        if not connection.reset:
            client_writer.close()
            upstream_writer.close()

    async def _pipe(self, connection: _Connection, reader, writer, direction: str) -> None:
        queue: asyncio.Queue = asyncio.Queue(QUEUED)
        link = self._links[direction]

        async def read():
            try:
                while chunk := await reader.read(CHUNK):
                    await queue.put((time.monotonic() + self.latency, chunk))
            except OSError:
                pass
            await queue.put((time.monotonic() + self.latency, b""))

        reading = asyncio.ensure_future(read())
        try:
            while True:
                due, chunk = await queue.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if connection.silent:
                    continue  # dropped on the way; an end is never heard either
                if not chunk:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                cut = len(chunk) // 2 if self._random.random() < self.reset_chance else None
                for start in range(0, cut if cut is not None else len(chunk), SLICE):
                    part = chunk[start:min(start + SLICE, cut if cut is not None else len(chunk))]
                    await link.carry(len(part))
                    writer.write(part)
                    self.counts.bytes += len(part)
                    await writer.drain()
                if cut is not None:
                    self._reset(connection)
                    return
        except (OSError, asyncio.CancelledError):
            self._reset(connection)
        finally:
            reading.cancel()
