"""Just enough of a real SMTP server on loopback for tests of email (smtplib talks to it)."""

import socketserver
import threading


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message received is kept on the server."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        lines, in_data = [], False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(lines))
                    lines, in_data = [], False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line[:4].upper()
            if command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def start() -> socketserver.ThreadingTCPServer:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    server.thread = threading.Thread(target=server.serve_forever, daemon=True)
    server.thread.start()
    return server


def stop(server) -> None:
    server.shutdown()
    server.server_close()
    server.thread.join(timeout=5)
