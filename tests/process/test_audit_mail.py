"""The second hostile audit's e-mail cases, through the installed console script: the dashboard sent
to loopback SMTP servers that refuse a recipient, answer QUIT oddly, never end a greeting or drip a
byte at a time; ports and addresses checked before any EC2 call."""

import socket
import subprocess
import threading
import time

import pytest

from conftest import EC2OPS, env_for, measured


class Scripted:
    """One SMTP conversation on 127.0.0.1, answered by `script(verb, argument) -> bytes` (the greeting
    is asked for as verb 'GREETING'; the message's end as 'END'); `said` keeps what the client sent."""

    def __init__(self, script):
        self.script, self.said = script, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        connection, _ = self.listener.accept()
        with connection:
            try:
                self._talk(connection)
            except OSError:
                pass

    def _talk(self, connection):
        reader = connection.makefile("rb")
        if self.script(connection, "GREETING", "") is False:
            return
        in_data = False
        for line in reader:
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if text == ".":
                    in_data = False
                    self.script(connection, "END", "")
                continue
            verb, _, argument = text.partition(" ")
            self.said.append(text)
            self.script(connection, verb.upper(), argument)
            if verb.upper() == "DATA":
                in_data = True
            if verb.upper() == "QUIT":
                return


def polite(refuse=(), quit_answer=b"221 bye\r\n"):
    def script(connection, verb, argument):
        answers = {"GREETING": b"220 ready\r\n", "EHLO": b"250-here\r\n250 OK\r\n", "MAIL": b"250 OK\r\n",
                   "DATA": b"354 go on\r\n", "END": b"250 queued\r\n", "QUIT": quit_answer}
        if verb == "RCPT":
            answer = b"550 no such user\r\n" if any(r in argument for r in refuse) else b"250 OK\r\n"
        else:
            answer = answers.get(verb, b"250 OK\r\n")
        if answer:
            connection.sendall(answer)
    return script


def email(server_port: int, to: str = "ops@example.com", *more: str) -> list[str]:
    return ["ec2-dashboard", "--notify-method", "Email", "--smtp-host", "127.0.0.1", "--smtp-port", str(server_port),
            "--smtp-from", "ec2ops@example.com", "--smtp-to", to, *more]


def run(endpoint: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(EC2OPS), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, env=env_for(endpoint))


# -- 9. outcomes ---------------------------------------------------------------------------------------
def test_a_refused_recipient_is_named_and_exit_1(fault_server):
    server = Scripted(polite(refuse=("bad@example.com",)))
    done = run(fault_server.url, *email(server.port, "ops@example.com,bad@example.com"))
    assert (done.returncode, done.stderr) == (1, f"ec2ops: The SMTP server 127.0.0.1:{server.port} refused the "
                                                 "recipient bad@example.com (550); the dashboard e-mail went to the "
                                                 "others only.\n")


def test_every_recipient_refused_is_named_and_exit_1(fault_server):
    server = Scripted(polite(refuse=("@example.com",)))
    done = run(fault_server.url, *email(server.port, "a@example.com,b@example.com"))
    assert (done.returncode, done.stderr) == (1, f"ec2ops: The SMTP server 127.0.0.1:{server.port} refused every "
                                                 "recipient (a@example.com, b@example.com: 550); the dashboard e-mail "
                                                 "was not sent.\n")


@pytest.mark.parametrize("answer", [b"500 what?\r\n", b"", b"221"])
def test_an_odd_answer_to_quit_after_the_message_was_accepted_is_success(fault_server, answer):
    server = Scripted(polite(quit_answer=answer))
    done = run(fault_server.url, *email(server.port))
    assert (done.returncode, done.stderr) == (0, "")
    assert "data" in server.said


@pytest.mark.parametrize("port", ["65561", "0", "²", "-1", "80a"])
def test_a_port_out_of_range_is_bad_input_before_any_call(fault_server, port):
    done = run(fault_server.url, *email(25)[:-4], "--smtp-port", port, "--smtp-from", "a@example.com",
               "--smtp-to", "b@example.com")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "ec2ops: smtpPort must be a port number.\n")
    assert fault_server.requests == []


@pytest.mark.parametrize("flag", ["--smtp-to", "--smtp-from"])
def test_a_line_break_in_an_address_is_bad_input_before_any_call(fault_server, flag):
    args = email(25)
    args[args.index(flag) + 1] = "ops@example.com\r\nRCPT TO:<evil@example.com>"
    done = run(fault_server.url, *args)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"ec2ops: {flag} holds a line break or a control character; it must be one line.\n")
    assert fault_server.requests == []


def test_a_proxy_port_that_is_not_ascii_digits_is_bad_input(fault_server):
    done = run(fault_server.url, "enumerate-regions", "--proxy-host", "127.0.0.1", "--proxy-port", "²")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "ec2ops: proxyPort must be a port number, not '²'.\n")


# -- 3. bounds ---------------------------------------------------------------------------------------------
def test_an_endless_greeting_is_refused_in_bounded_memory(fault_server):
    def endless(connection, verb, argument):
        if verb == "GREETING":
            line = b"220-" + b"x" * 1000 + b"\r\n"
            try:
                for _ in range(1_000_000):
                    connection.sendall(line)
            except OSError:
                pass
            return False
    server = Scripted(endless)
    started = time.monotonic()
    code, peak, _, err = measured(fault_server.url, *email(server.port))
    assert (code, err) == (3, f"ec2ops: The SMTP server 127.0.0.1:{server.port} sent a reply longer than 65536 bytes; "
                              "the dashboard e-mail was not sent.\n")
    assert time.monotonic() - started < 10 and peak < 150 * 1024


def test_a_server_that_drips_is_ended_at_the_read_timeout(fault_server):
    def drip(connection, verb, argument):
        if verb == "GREETING":
            try:
                for byte in b"220-" + b"x" * 1000:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.2)
            except OSError:
                pass
            return False
    server = Scripted(drip)
    started = time.monotonic()
    done = run(fault_server.url, *email(server.port), "--read-timeout", "2")
    assert (done.returncode, done.stderr) == (
        3, f"ec2ops: The SMTP server 127.0.0.1:{server.port} did not finish within the read timeout (2 s); the "
           "dashboard e-mail was not sent.\n")
    assert time.monotonic() - started < 8
