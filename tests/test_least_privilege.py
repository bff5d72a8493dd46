"""Least privilege (issue 11): Rasa's HTTP API needs its token, both servers listen on loopback only,
neither inherits the adapter's secrets, and var/ with everything in it is for the service's user alone.
Real servers, started by the supervisor as `make run` starts them."""
from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import stat
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Tuple

import httpx
import pytest

from bot.relay.rasa_client import AsyncRasaClient, RasaClient
from bot.relay.rasa_endpoints import erase_conversation, tracker_db_url
from bot.runtime import supervisor as services
from bot.runtime.settings import Settings

RASA_PORT, ACTION_PORT = 5905, 5955
# The adapter's secrets, as an operator sets them: none may reach a server.
ADAPTER_SECRETS = {
    "TELEGRAM_BOT_TOKEN": "123456:adapter-only-bot-token",
    "TELEGRAM_WEBHOOK_SECRET": "adapter-only-webhook-secret",
    "PSEUDONYM_KEY": "adapter-only-pseudonym-key",
    "TICKETS_DB_URL": "postgresql://desk:adapter-only-db-password@127.0.0.1:5432/desk",
    "RABBITMQ_URL": "amqp://report:adapter-only-amqp-password@127.0.0.1:5672/",
}


@pytest.fixture(scope="module")
def running(tmp_path_factory, trained_model):
    """The two servers, started with the adapter's secrets in the supervisor's environment; var/ is
    temporary and already holds a world-readable file, as an install made before this change would."""
    tmp = tmp_path_factory.mktemp("least-privilege")
    var = tmp / "var"
    var.mkdir(mode=0o755)
    (var / "tickets.db").write_bytes(b"")
    os.chmod(var / "tickets.db", 0o644)
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{ACTION_PORT}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{var / "tracker.db"}"\n')
    settings = dataclasses.replace(Settings(), rasa_port=RASA_PORT, action_port=ACTION_PORT,
                                   rasa_url=f"http://127.0.0.1:{RASA_PORT}", endpoints_file=str(endpoints),
                                   var_path=var)
    saved = {name: os.environ.get(name) for name in ADAPTER_SECRETS}
    os.environ.update(ADAPTER_SECRETS)
    actions = rasa = None
    try:
        actions = services.start_action_server(settings)
        rasa = services.start_rasa_server(settings)
        yield settings, actions, rasa
    finally:
        services.stop(rasa)
        services.stop(actions)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def environ_of(pid: int) -> Dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def listening(port: int) -> List[Tuple[str, str]]:
    """(table, local address in hex) of every socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("tcp", "tcp6"):
        path = Path(f"/proc/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append((table, address))
    return found


def test_an_unauthenticated_tracker_read_is_refused_while_the_adapters_calls_and_erasure_still_work(running):
    settings, _, _ = running
    sender = "tg-least-privilege"
    client = RasaClient(settings.rasa_url, 60, token=settings.rasa_auth_token)
    try:
        assert client.send(sender, "bonjour")  # the REST channel stays open to the adapter
        base = f"{settings.rasa_url}/conversations/{sender}/tracker"
        assert httpx.get(base, timeout=10).status_code in (401, 403)
        assert httpx.get(base, params={"token": "forged"}, timeout=10).status_code in (401, 403)
        assert httpx.post(f"{base}/events", json={"event": "pause"}, timeout=10).status_code in (401, 403)
        assert httpx.get(f"{settings.rasa_url}/status", timeout=10).status_code in (401, 403)
        assert any(e.get("text") == "bonjour" for e in client.tracker(sender)["events"])

        async def adapter_calls() -> bool:
            rasa = AsyncRasaClient(settings.rasa_url, 30, f"http://127.0.0.1:{ACTION_PORT}/health",
                                   token=settings.rasa_auth_token)
            try:
                await rasa.set_language(sender, "en")
                await rasa.resume(sender)
                return await rasa.ready()
            finally:
                await rasa.close()
        assert asyncio.run(adapter_calls())
        assert client.tracker(sender)["slots"]["language"] == "en"
        assert erase_conversation(tracker_db_url(settings), sender) > 0  # /forget's erasure
        assert not [e for e in client.tracker(sender)["events"] if e.get("event") == "user"]
    finally:
        client.close()


def test_both_servers_listen_on_loopback_only(running):
    for port in (RASA_PORT, ACTION_PORT):
        sockets = listening(port)
        assert sockets, f"nothing listens on {port}"
        assert sockets == [("tcp", "0100007F")], f"port {port} is bound to {sockets}, not 127.0.0.1 only"


def test_no_server_inherits_a_secret_of_the_adapter(running):
    settings, actions, rasa = running
    for process in (actions, rasa):
        environment = environ_of(process.pid)
        for name, value in ADAPTER_SECRETS.items():
            assert name not in environment
            assert not [key for key, held in environment.items() if value in held], name
    # Rasa alone gets its token, and through its environment (owner-only), never its command line (world-readable).
    assert environ_of(rasa.pid).get("RASA_AUTH_TOKEN") == settings.rasa_auth_token
    assert settings.rasa_auth_token not in environ_of(actions.pid).values()
    for process in (actions, rasa):
        assert settings.rasa_auth_token.encode() not in Path(f"/proc/{process.pid}/cmdline").read_bytes()


def test_var_and_every_file_in_it_are_for_the_services_user_alone(running):
    settings, _, _ = running
    client = RasaClient(settings.rasa_url, 60, token=settings.rasa_auth_token)
    try:
        client.send("tg-file-modes", "bonjour")  # Rasa creates its SQLite tracker store now
    finally:
        client.close()
    var = settings.var_dir
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    files = {path.name: stat.S_IMODE(path.stat().st_mode) for path in var.iterdir() if path.is_file()}
    assert {"tracker.db", "tickets.db", "rasa_server.log", "action_server.log"} <= set(files)
    assert files == {name: 0o600 for name in files}


def test_a_server_environment_keeps_only_the_allow_list():
    parent = {**ADAPTER_SECRETS, "PATH": "/usr/bin", "HOME": "/home/ul", "LANG": "C.UTF-8",
              "RASA_AUTH_TOKEN": "api-token", "TF_NUM_INTRAOP_THREADS": "2", "AWS_SECRET_ACCESS_KEY": "x",
              "POSTGRES_PASSWORD": "rasa-db-password"}
    env = services.child_env(parent)
    assert {"PATH", "HOME", "LANG", "TF_NUM_INTRAOP_THREADS", "PYTHONPATH"} <= set(env)
    assert not set(env) & (set(ADAPTER_SECRETS) | {"RASA_AUTH_TOKEN", "AWS_SECRET_ACCESS_KEY", "POSTGRES_PASSWORD"})


def test_rasa_gets_the_database_settings_its_endpoints_file_names(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  password: ${POSTGRES_PASSWORD}\n  url: ${POSTGRES_HOST}\n"
                         "  db: ${TICKETS_DB_URL}\n")  # a mistake: the adapter's database URL stays with it
    settings = dataclasses.replace(Settings(), endpoints_file=str(endpoints))
    env = services._rasa_env(settings, {**ADAPTER_SECRETS, "POSTGRES_PASSWORD": "pw", "POSTGRES_HOST": "db"})
    assert env["POSTGRES_PASSWORD"] == "pw" and env["POSTGRES_HOST"] == "db"
    assert env["RASA_AUTH_TOKEN"] == settings.rasa_auth_token
    assert not set(env) & set(ADAPTER_SECRETS)
    assert "POSTGRES_PASSWORD" not in services._action_env(settings, {"POSTGRES_PASSWORD": "pw"})


def test_every_secret_setting_is_known_as_a_secret_and_the_token_is_new_at_each_start():
    settings = Settings.from_env({**ADAPTER_SECRETS, "STAFF_CHAT_ID": "-100"})
    hidden = [f.name for f in dataclasses.fields(Settings) if not f.repr]
    assert set(settings.secrets) == {getattr(settings, name) for name in hidden}
    assert len(hidden) == 6
    assert Settings.from_env({}).rasa_auth_token != Settings.from_env({}).rasa_auth_token
    assert Settings.from_env({"RASA_AUTH_TOKEN": "chosen"}).rasa_auth_token == "chosen"
    assert "chosen" not in repr(Settings.from_env({"RASA_AUTH_TOKEN": "chosen"}))


PROCFILE_RASA_PORT, PROCFILE_ACTION_PORT = 5925, 5975


def procfile() -> Dict[str, str]:
    lines = (services.ROOT / "deploy" / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def descendants(pid: int) -> List[int]:
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
                    frontier.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_the_procfile_servers_get_only_their_own_settings_listen_on_loopback_and_need_the_token(tmp_path,
                                                                                               trained_model):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{PROCFILE_ACTION_PORT}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n')
    token = "procfile-api-token"
    # What honcho hands every process: the whole env file.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **ADAPTER_SECRETS, "RASA_AUTH_TOKEN": token,
           "RASA_PORT": str(PROCFILE_RASA_PORT), "ACTION_PORT": str(PROCFILE_ACTION_PORT),
           "RASA_ENDPOINTS": str(endpoints), "POSTGRES_PASSWORD": "rasa-db-password"}
    processes = {name: subprocess.Popen(["/bin/sh", "-c", command], cwd=services.ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                 for name, command in procfile().items() if name in ("actions", "rasa")}
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{PROCFILE_RASA_PORT}/status", params={"token": token},
                             timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes.values())
            time.sleep(0.5)
        assert httpx.get(f"http://127.0.0.1:{PROCFILE_RASA_PORT}/conversations/x/tracker",
                         timeout=10).status_code in (401, 403)
        assert httpx.get(f"http://127.0.0.1:{PROCFILE_ACTION_PORT}/health", timeout=10).status_code == 200
        for port in (PROCFILE_RASA_PORT, PROCFILE_ACTION_PORT):
            assert listening(port) == [("tcp", "0100007F")]
        for name, process in processes.items():
            # The servers themselves, not the shell honcho starts (which has the whole env file).
            servers = [pid for pid in [process.pid, *descendants(process.pid)]
                       if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"python")]
            assert servers, name
            for pid in servers:
                environment = environ_of(pid)
                assert not set(environment) & set(ADAPTER_SECRETS), (name, sorted(environment))
                assert ("RASA_AUTH_TOKEN" in environment) == (name == "rasa"), name
                assert ("POSTGRES_PASSWORD" in environment) == (name == "rasa"), name
                assert token.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
    finally:
        for process in processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            process.wait(30)


def test_a_token_that_starts_with_a_dash_still_reaches_rasa_as_the_token():
    # secrets.token_urlsafe starts with '-' once in 64 starts; Rasa's own parser must read it as the value.
    import runpy
    from rasa.__main__ import create_argument_parser

    rasa_argv = runpy.run_path(str(Path(__file__).parent.parent / "deploy" / "rasa_run.py"))["rasa_argv"]
    argv = rasa_argv(["run", "--enable-api"], "-Xy_token")
    assert create_argument_parser().parse_args(argv[1:]).auth_token == "-Xy_token"
