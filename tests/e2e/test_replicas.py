"""Two Streamlit replicas on one PostgreSQL behind Debian's nginx, with deploy/shared-load.nginx.conf.

The configuration file is the one the deployment guide tells an operator to install; the test only
puts in its own ports and paths. A browser context is pinned to a replica by the same cookie nginx
sets itself (`shared_load_route`), and nginx's access log says which replica answered.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.conftest import scratch_postgresql_database
from tests.e2e.conftest import (
    ROOT,
    SIGN_OUT,
    Server,
    _free_port,
    assert_no_exception,
    click,
    main,
    new_context,
    open_app,
    running,
    seed,
    sign_in,
    spawn_server,
    submit_sign_in,
    wait_for_app,
    wait_until_healthy,
)
from tracker import throttle
from tracker.queries import entries as entry_queries
from tracker.services import sessions

pytestmark = pytest.mark.e2e

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = ROOT / "deploy" / "shared-load.nginx.conf"
ROUTE_COOKIE = "shared_load_route"


@dataclass
class Cluster:
    base: str
    replicas: dict[str, Server]  # route name -> replica
    access_log: Path

    def context(self, browser, route: str) -> BrowserContext:
        """A browser pinned to one replica, as if nginx had given it that replica before."""
        context = new_context(browser)
        context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": self.base}])
        return context

    def upstreams(self, route: str, *, path: str = "") -> set[str]:
        """The replica ports nginx sent this route's requests to (only requests for `path`, if given).

        nginx writes a line when a request ends; a WebSocket's line comes when it closes."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return {
            match.group(1)
            for line in lines
            if f"route={route} " in line and f" {path}" in line
            for match in [re.search(r"upstream=127\.0\.0\.1:(\d+)", line)]
            if match
        }

    def websocket_upgrades(self, route: str) -> int:
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return sum(1 for line in lines if "/_stcore/stream" in line and " 101 " in line and f"route={route} " in line)


def nginx_config(workdir: Path, port: int, replica_ports: tuple[int, int]) -> Path:
    """deploy/shared-load.nginx.conf with this test's ports and paths, inside a minimal main file."""
    site = CONFIG.read_text()
    for documented, actual in zip(("8501", "8502"), replica_ports, strict=True):
        site = site.replace(f"127.0.0.1:{documented}", f"127.0.0.1:{actual}")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/log/nginx/shared-load.access.log", str(workdir / "access.log"))
    (workdir / "shared-load.conf").write_text(site)
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / "temp" / folder).mkdir(parents=True, exist_ok=True)
    main_config = workdir / "nginx.conf"
    main_config.write_text(
        f"""
user root;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {workdir / "temp/client_body"};
    proxy_temp_path {workdir / "temp/proxy"};
    fastcgi_temp_path {workdir / "temp/fastcgi"};
    uwsgi_temp_path {workdir / "temp/uwsgi"};
    scgi_temp_path {workdir / "temp/scgi"};
    include {workdir / "shared-load.conf"};
}}
"""
    )
    return main_config


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text() if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nginx did not start listening")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A PostgreSQL database of this module's own, dropped afterwards."""
    with scratch_postgresql_database("shared_load_replicas") as url:
        yield url


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("replicas")
    seed(database)
    ports = (_free_port(), _free_port())
    replicas = [spawn_server(database, workdir, port=port) for port in ports]
    for replica in replicas:
        running(wait_until_healthy(replica))
    port = _free_port()
    config = nginx_config(workdir, port, ports)
    nginx = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(workdir), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, nginx, workdir / "error.log")
        yield Cluster(
            f"http://127.0.0.1:{port}",
            dict(zip(("replica1", "replica2"), replicas, strict=True)),
            workdir / "access.log",
        )
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for replica in replicas:
            replica.stop()


def port_of(server: Server) -> str:
    return server.base.rsplit(":", 1)[1]


def wait_for_session_cookie(context: BrowserContext, base: str, timeout: float = 10.0) -> None:
    """The page hands the sign-in over to the app's cookie route right after signing in."""
    deadline = time.monotonic() + timeout
    while not any(c["name"] == sessions.COOKIE for c in context.cookies(base)):
        assert time.monotonic() < deadline, "the session cookie was never set through nginx"
        time.sleep(0.1)


def recent(server: Server, person) -> list[entry_queries.Entry]:
    with server.session() as session:
        return entry_queries.recent(session, server.actor(person), limit=100)


def log_one(page, rating: str = "+2 Fulfilling") -> None:
    form = main(page)
    form.get_by_role("radio", name=rating, exact=True).click()
    expect(form.get_by_role("radio", name=rating, exact=True)).to_have_attribute("aria-checked", "true")
    click(form.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_test_id("stToast").filter(has_text="Saved")).to_be_visible()


def entry_lines(page):
    return main(page).get_by_test_id("stExpander").filter(has_not_text="Add details").locator("summary")


def test_nginx_pins_each_browser_to_its_replica_and_upgrades_the_websocket(cluster, browser):
    for route in ("replica1", "replica2"):
        context = cluster.context(browser, route)
        try:
            page = context.new_page()
            open_app(page, cluster.base)  # the app runs only once its WebSocket is through
            expect(main(page).get_by_role("button", name="Sign in", exact=True)).to_be_visible()
            routes = [c["value"] for c in context.cookies(cluster.base) if c["name"] == ROUTE_COOKIE]
            assert routes == [route]  # nginx kept the browser's replica (and re-set the same cookie)
        finally:
            context.close()
    for route, replica in cluster.replicas.items():
        assert cluster.upstreams(route) == {port_of(replica)}
        deadline = time.monotonic() + 10
        while not cluster.websocket_upgrades(route) and time.monotonic() < deadline:
            time.sleep(0.1)  # the closed WebSocket's log line
        assert cluster.websocket_upgrades(route) >= 1


def test_an_entry_saved_through_one_replica_shows_in_the_other(cluster, browser):
    any_replica = cluster.replicas["replica1"]
    person = any_replica.new_person("Rhea Replica")
    first, second = cluster.context(browser, "replica1"), cluster.context(browser, "replica2")
    try:
        one = first.new_page()
        sign_in(one, cluster.base, person.email, person.password, path="log")
        log_one(one, "+2 Fulfilling")
        assert [e.rating for e in recent(any_replica, person)] == [2]

        other = second.new_page()
        sign_in(other, cluster.base, person.email, person.password, path="log")
        expect(entry_lines(other)).to_have_count(1)
        expect(entry_lines(other).first).to_contain_text("+2 Fulfilling")
        assert_no_exception(other)
    finally:
        first.close()
        second.close()


def test_sign_in_throttling_holds_across_replicas(cluster, browser):
    person = cluster.replicas["replica1"].new_person("Theo Throttled")
    first, second = cluster.context(browser, "replica1"), cluster.context(browser, "replica2")
    try:
        one = first.new_page()
        open_app(one, cluster.base)
        for _ in range(throttle.FREE_ATTEMPTS):
            submit_sign_in(one, person.email, "not the password")
            expect(main(one).get_by_test_id("stAlert")).to_be_visible()
        other = second.new_page()
        open_app(other, cluster.base)
        submit_sign_in(other, person.email, person.password)  # the right password, on the other replica
        expect(main(other).get_by_test_id("stAlert")).to_contain_text("Too many failed sign-ins for this account")
        assert other.get_by_role("button", name=SIGN_OUT).count() == 0
        assert_no_exception(other)
    finally:
        first.close()
        second.close()


def test_a_sign_in_holds_on_the_other_replica_and_a_sign_out_ends_it_on_both(cluster, browser):
    person = cluster.replicas["replica1"].new_person("Sam Session")
    context = cluster.context(browser, "replica1")
    try:
        page = context.new_page()
        sign_in(page, cluster.base, person.email, person.password, path="log")
        wait_for_session_cookie(context, cluster.base)
        context.add_cookies([{"name": ROUTE_COOKIE, "value": "replica2", "url": cluster.base}])
        open_app(page, cluster.base + "/log")  # the other replica now: the session cookie is all it has
        expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
        expect(main(page).get_by_role("heading", name="Log an interaction")).to_be_visible()
        assert_no_exception(page)

        click(page.get_by_role("button", name=SIGN_OUT))
        context.add_cookies([{"name": ROUTE_COOKIE, "value": "replica1", "url": cluster.base}])
        open_app(page, cluster.base + "/log")  # back on the first replica: signed out there too
        expect(main(page).get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        assert page.get_by_role("button", name=SIGN_OUT).count() == 0
    finally:
        context.close()


def test_stopping_a_replica_loses_no_saved_data_and_the_person_goes_on_through_the_other(cluster, browser):
    replica1, replica2 = cluster.replicas["replica1"], cluster.replicas["replica2"]
    person = replica2.new_person("Sol Survivor")
    context = cluster.context(browser, "replica1")
    try:
        page = context.new_page()
        sign_in(page, cluster.base, person.email, person.password, path="log")
        log_one(page, "+1 A bit fulfilling")
        wait_for_session_cookie(context, cluster.base)
        replica1.stop()  # mid-session: the page is open, its WebSocket goes down

        page.goto(cluster.base + "/log", wait_until="commit")  # nginx now sends this browser to replica2
        wait_for_app(page)
        # A new Streamlit session on the other replica, the same sign-in session from the database.
        expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
        expect(entry_lines(page)).to_have_count(1)  # what was saved through replica1 is there
        log_one(page, "-1 A bit draining")
        assert sorted(e.rating for e in recent(replica2, person)) == [-1, 1]
        assert port_of(replica2) in cluster.upstreams("replica1")  # served by the backup
        assert_no_exception(page)
    finally:
        context.close()
