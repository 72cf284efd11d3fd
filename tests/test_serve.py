"""`mllens serve` in a real browser: headless Chromium, driven over the Chrome DevTools
Protocol (aiohttp's websocket client, which textual-serve brings), joins with the printed URL,
gives its participant's name, opens the workload and answers a question, and the answer is in
the database under that name; on SQLite and on PostgreSQL. A request without the join code
gets 403 and starts no app.

Keys go where a person's would: xterm.js's hidden text area has the focus (as after a click on
the terminal), and each key is a keydown carrying its character, which Chromium follows with
the keypress xterm.js turns into terminal input. The app draws on a canvas, so the test reads
what the app sends to the page: the websocket frames, which Chromium reports to the protocol
client.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mllens_tui.assessment import Answer
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store

pytestmark = pytest.mark.slow
STEP = 120.0  # seconds: a bound on each wait, so a broken server fails instead of hanging


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def chromium() -> str:
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("MLLENS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MLLENS_REQUIRE_BROWSER=1, but {reason}")
        pytest.skip(f"browser test skipped: {reason}")
    return found


@pytest.fixture
def served(backend_url: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`mllens serve --join-code` on a free loopback port; its join URL."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mllens_tui",
            "--db",
            backend_url,
            "serve",
            "--port",
            str(port),
            "--join-code",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = _wait_for(lambda: _join_url(tmp_path / "serve.log"), server)
        yield url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _join_url(log: Path) -> str | None:
    found = re.search(r"http://\S+/\?token=\S+", log.read_text())
    return found.group(0) if found else None


def _wait_for(probe: Any, server: subprocess.Popen[str]) -> Any:
    import time

    deadline = time.monotonic() + STEP
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        assert server.poll() is None, "mllens serve exited early"
        time.sleep(0.1)
    raise AssertionError("mllens serve did not print its URL")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=STEP) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _app_processes(server: subprocess.Popen[str]) -> list[str]:
    """The `mllens open` processes the server started (its children)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [
        pid for pid in children if b"open" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    ]


def test_a_request_without_the_join_code_gets_403_and_starts_no_app(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    url, server = served
    base = url.split("?")[0]
    assert _status(base) == 403
    assert _status(base + "ws") == 403
    assert _status(base + "?token=wrong") == 403
    assert _app_processes(server) == []
    assert _status(url) == 200


class DevTools:
    """Just enough of the Chrome DevTools Protocol: commands, and the websocket frames the
    page receives, decoded."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0
        self.screen = ""
        self.replies: dict[int, Any] = {}

    async def send(self, method: str, **params: Any) -> Any:
        self.next_id += 1
        ident = self.next_id
        await self.ws.send_json({"id": ident, "method": method, "params": params})
        while ident not in self.replies:
            await self.pump()
        return self.replies.pop(ident)

    async def pump(self) -> None:
        message = json.loads((await asyncio.wait_for(self.ws.receive(), STEP)).data)
        if "id" in message:
            self.replies[message["id"]] = message.get("result", message.get("error"))
        elif message.get("method") == "Network.webSocketFrameReceived":
            response = message["params"]["response"]
            data = response["payloadData"]
            if response["opcode"] == 2:
                data = base64.b64decode(data).decode("utf-8", "replace")
            self.screen += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", data)

    async def wait_for_text(self, text: str, since: int = 0) -> None:
        async def seen() -> None:
            while text not in self.screen[since:]:
                await self.pump()

        try:
            await asyncio.wait_for(seen(), STEP)
        except TimeoutError:
            raise AssertionError(
                f"{text!r} never reached the page; it got: {self.screen[-2000:]!r}"
            ) from None

    async def key(self, key: str, code: str, key_code: int, text: str = "") -> None:
        for kind in ("keyDown", "keyUp"):
            await self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=key_code,
                text=text if kind == "keyDown" else "",
            )

    async def enter(self) -> None:
        await self.key("Enter", "Enter", 13, "\r")

    async def type(self, text: str) -> None:
        """Letters and digits, one key each."""
        for char in text:
            code = f"Digit{char}" if char.isdigit() else f"Key{char.upper()}"
            await self.key(char, code, ord(char.upper()), char)


async def _answer_in_the_database(url: str, question: str) -> Answer:
    from mllens_tui.store.service import Store

    async def stored() -> Answer:
        while True:
            with Store.open(url) as store:
                answer = store.answers("Fraud scoring").get(question)
            if answer is not None:
                return answer
            await asyncio.sleep(0.1)

    try:
        return await asyncio.wait_for(stored(), STEP)
    except TimeoutError:
        raise AssertionError(f"{question} typed in the browser never reached {url}") from None


async def _drive(chromium: str, url: str, profile: Path, db_url: str) -> Answer:
    """Join, say who is answering, open the workload, give MLOE-01 level 3; what is stored."""
    import aiohttp

    browser = subprocess.Popen(
        [
            chromium,
            *("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"),
            *("--disable-background-networking", "--disable-component-update"),
            *("--disable-sync", "--no-first-run", f"--user-data-dir={profile}"),
            *("--remote-debugging-port=0", "--window-size=1280,800", "about:blank"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert browser.stderr is not None
        line = ""
        while "DevTools listening on" not in line:
            line = await asyncio.wait_for(asyncio.to_thread(browser.stderr.readline), STEP)
            assert line, "Chromium exited before it listened"
        port = re.search(r"ws://127\.0\.0\.1:(\d+)/", line).group(1)  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                pages = [t for t in await response.json() if t["type"] == "page"]
            async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                tools = DevTools(ws)
                await tools.send("Network.enable")
                await tools.send("Page.enable")
                await tools.send("Page.navigate", url=url)
                await tools.wait_for_text("Fraud scoring")  # the workload list
                await tools.wait_for_text("Who is answering?")  # each tab asks for a name
                # Keys go to xterm.js's hidden text area, as a click on the terminal would do;
                # the page then tells the app it has the focus.
                await tools.send(
                    "Runtime.evaluate",
                    expression="document.querySelector('.xterm-helper-textarea').focus()",
                )
                await tools.type("Chidi")
                await tools.enter()  # the name
                await tools.wait_for_text("Chidi answering")  # the header says who
                await tools.enter()  # open the workload
                await tools.wait_for_text("Pillars")  # its dashboard
                await tools.type("a")  # the next unanswered question
                await tools.wait_for_text("Develop the right skills")  # MLOE-01's title
                await tools.type("3")
                return await _answer_in_the_database(db_url, "MLOE-01")
    finally:
        browser.terminate()
        browser.wait(timeout=30)


def test_a_browser_joins_names_itself_and_answers_into_the_database(
    chromium: str,
    backend_url: str,
    served: tuple[str, subprocess.Popen[str]],
    tmp_path: Path,
) -> None:
    with Store.open(backend_url) as store:
        store.create_workload("Fraud scoring", builtin_lens())
    url, _ = served
    answer = asyncio.run(_drive(chromium, url, tmp_path / "profile", backend_url))
    assert (answer.level, answer.answered_by) == (3, "Chidi")
