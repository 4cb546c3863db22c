"""A loopback TCP proxy a test can cut and restore: a real outage of a shared server (PostgreSQL, Redis)
without stopping it, since other tests use it at the same time.

`cut()` closes every forwarded connection on both sides (the app sees its sockets closed, the server sees
its clients gone, as in a restart) and turns away new ones until `restore()`.
"""
import socket
import threading


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._up = True
        self._closed = False
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self.accepted = 0
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._up:
                client.close()  # the server "is down": the connection ends at once
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self.accepted += 1
                self._sockets.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source, target)

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self._lock:
                self._sockets.discard(sock)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        """The outage begins: every connection through the proxy is closed, new ones are turned away."""
        self._up = False
        with self._lock:
            live = list(self._sockets)
        self._drop(*live)

    def restore(self) -> None:
        """The server is back: new connections go through again (the old ones stay dead, as after a restart)."""
        self._up = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()
