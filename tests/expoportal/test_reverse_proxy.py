"""The portal behind a real nginx proxy_cache, on two app servers that share PostgreSQL and Redis.

Two gunicorn instances (A and B) run the project with production settings against the suite's PostgreSQL test
database and one Redis database; nginx runs deploy/nginx.conf.example, filled in with loopback ports and a
temporary directory, in front of both. The max-age is a few seconds (PUBLIC_MAX_AGE_SECONDS), so that "an edit
shows once the max-age has passed" can be watched happen.

It takes half a minute (three servers start), so it runs apart from `make test`: `make test-reverse-proxy`, which
CI runs. It needs nginx (Debian's nginx-light), PostgreSQL (DATABASE_URL=postgres://...) and Redis on
127.0.0.1:6379; without one it is skipped, saying which is missing, and fails instead when
REVERSE_PROXY_TEST_REQUIRED is set (CI).
"""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from bench.servers import LOOPBACK, free_port
from editions.models import EditionStatus
from tests.factories import EditionFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.reverse_proxy, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(settings.BASE_DIR)
NGINX_EXAMPLE = ROOT / "deploy" / "nginx.conf.example"
REDIS_URL = "redis://127.0.0.1:6379/11"
MAX_AGE_SECONDS = 4
PASSWORD = "correct horse battery staple"


@dataclass
class Portal:
    proxy: int  # nginx's port
    a: int  # the app servers' own ports, for requests that skip the proxy
    b: int
    access_logs: list[Path]

    def app_requests(self, path: str) -> int:
        """How many times the app servers (A and B together) were asked for `path`."""
        line = f'"GET {path} HTTP/'
        counted, deadline = None, time.monotonic() + 3
        while time.monotonic() < deadline:  # gunicorn writes the line just after the answer: wait for it to settle
            count = sum(log.read_text().count(line) for log in self.access_logs if log.exists())
            if count == counted:
                break
            counted = count
            time.sleep(0.3)
        return counted


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def cache_status(self) -> str:
        return self.headers.get("x-cache-status", "")


def get(port: int, path: str, **headers) -> Answer:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": LOOPBACK, **headers})
        response = connection.getresponse()
        body = response.read().decode()
        return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, body)
    finally:
        connection.close()


class Server:
    """A server process in its own session (stopping it stops its workers), ready once `ready_path` is a 200."""

    def __init__(self, command: list[str], env: dict, log: Path, ready_path: str, port: int):
        self.command, self.env, self.log, self.ready_path, self.port = command, env, log, ready_path, port
        self.process = None

    def start(self) -> "Server":
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited with {self.process.returncode} before answering")
            try:
                if get(self.port, self.ready_path).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"no 200 from {self.command[0]} at {self.ready_path} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def missing(reason: str):
    if os.environ.get("REVERSE_PROXY_TEST_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)
    if found is None:
        missing("nginx is not installed (apt-get install nginx-light)")
    return found


def redis_reachable() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        missing(f"Redis does not answer at {REDIS_URL} ({error})")


def database_url() -> str:
    if connection.vendor != "postgresql":
        missing("the suite runs on SQLite: two app servers need PostgreSQL (DATABASE_URL=postgres://...)")
    database = connection.settings_dict
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


def app_server(port: int, directory: Path, name: str, database: str) -> Server:
    """A gunicorn instance with production settings (DEBUG off) on the shared database and Redis."""
    replaced = {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    env = {key: value for key, value in os.environ.items() if key not in replaced}
    env.update(
        DJANGO_SETTINGS_MODULE="expoportal.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database,
        REDIS_URL=REDIS_URL,
        CONN_MAX_AGE="0",  # no connection outlives a request: the suite drops the test database at its end
        SECRET_KEY="reverse-proxy-test-only-secret-key",
        DEBUG="0",
        ALLOWED_HOSTS=LOOPBACK,
        RELEASE="reverse-proxy-test",  # A and B are one release: the same cache keys and ETags
        PUBLIC_MAX_AGE_SECONDS=str(MAX_AGE_SECONDS),
        PLAIN_STATIC_STORAGE="1",  # no collectstatic: the pages only name their static files
        SESSION_COOKIE_SECURE="0",  # the editor signs in over plain HTTP on loopback
        CSRF_COOKIE_SECURE="0",
    )
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "expoportal.wsgi:application",
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--no-control-socket",
        "--preload",  # as the README's production section runs it
        "--access-logfile",
        str(directory / f"{name}-access.log"),
        "--access-logformat",
        '"%(r)s" %(s)s',
        "--log-level",
        "warning",
    ]
    return Server(command, env, directory / f"{name}.log", "/healthz", port)


def site_config(proxy: int, a: int, b: int, cache: Path) -> str:
    """The example configuration with this machine's ports and paths in place of the example's."""
    text = NGINX_EXAMPLE.read_text()
    replacements = {
        "listen 443 ssl;": f"listen {LOOPBACK}:{proxy};",
        "server 10.0.0.11:8000;": f"server {LOOPBACK}:{a};",
        "server 10.0.0.12:8000;": f"server {LOOPBACK}:{b};",
        "/var/cache/nginx/expoportal": str(cache),
    }
    for example, here in replacements.items():
        assert text.count(example) == 1, f"{NGINX_EXAMPLE.name} no longer has exactly one {example!r}"
        text = text.replace(example, here)
    # Plain HTTP on loopback: no certificate.
    return re.sub(r"^\s*ssl_certificate(_key)? .*;\n", "", text, flags=re.MULTILINE)


def main_config(binary: str, directory: Path) -> str:
    """nginx.conf around the site: every path nginx writes in `directory`, so it runs without root."""
    built = subprocess.run([binary, "-V"], capture_output=True, text=True).stderr
    temp_paths = [f"client_body_temp_path {directory}/body;", f"proxy_temp_path {directory}/proxy;"]
    temp_paths += [
        f"{module}_temp_path {directory}/{module};"
        for module in ("fastcgi", "uwsgi", "scgi")
        if f"--without-http_{module}_module" not in built
    ]
    return "\n".join(
        [
            "worker_processes 1;",
            f"pid {directory}/nginx.pid;",
            f"error_log {directory}/nginx-error.log warn;",
            "events { worker_connections 256; }",
            "http {",
            f"    access_log {directory}/nginx-access.log;",
            *(f"    {line}" for line in temp_paths),
            f"    include {directory}/expoportal.conf;",
            "}",
            "",
        ]
    )


@pytest.fixture(scope="module")
def portal(django_db_setup, django_db_blocker):
    binary = nginx_binary()
    with django_db_blocker.unblock():
        database = database_url()
    redis_reachable()
    directory = Path(tempfile.mkdtemp(prefix="expo-reverse-proxy-"))
    # Run as root (CI), nginx's workers are "nobody": they must reach the cache and temporary paths in here.
    directory.chmod(0o755)
    a, b, proxy = free_port(), free_port(), free_port()
    (directory / "expoportal.conf").write_text(site_config(proxy, a, b, directory / "cache"))
    (directory / "nginx.conf").write_text(main_config(binary, directory))
    nginx = Server(
        [binary, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-e", str(directory / "nginx-error.log"),
         "-g", "daemon off;"],
        dict(os.environ),
        directory / "nginx.log",
        "/healthz",
        proxy,
    )  # fmt: skip
    servers = [app_server(a, directory, "a", database), app_server(b, directory, "b", database), nginx]
    try:
        for server in servers[:2]:  # the two app servers start side by side
            server.start()
        for server in servers[:2]:
            server.wait_until_ready()
        servers[2].start().wait_until_ready()
        yield Portal(proxy, a, b, [directory / "a-access.log", directory / "b-access.log"])
    except RuntimeError as error:  # a server that never answered: show why
        logs = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted(directory.glob("*.log")))
        raise RuntimeError(f"{error}\n{logs}") from error
    finally:
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def published_projects(*titles: str) -> None:
    edition = EditionFactory(number=14, year=2023, status=EditionStatus.PUBLISHED)
    for title in titles:
        ProjectFactory(edition=edition, title=title)


def test_a_repeat_visit_is_served_by_the_proxy_and_a_current_copy_is_a_304(portal):
    published_projects("Amur rail depot", "Songhua wind farm")
    path = "/en/projects/?sort=title"

    first = get(portal.proxy, path)
    assert first.status == 200 and first.cache_status == "MISS"
    assert "Amur rail depot" in first.body and "Songhua wind farm" in first.body
    again = get(portal.proxy, path)
    assert again.status == 200 and again.cache_status == "HIT"
    assert again.body == first.body and again.headers["etag"] == first.headers["etag"]
    assert portal.app_requests(path) == 1  # the repeat visit never reached an app server

    # A browser that has the page gets a 304 from the proxy's copy; the app servers are not asked.
    revalidated = get(portal.proxy, path, **{"If-None-Match": first.headers["etag"]})
    assert revalidated.status == 304 and revalidated.cache_status == "HIT" and revalidated.body == ""
    assert portal.app_requests(path) == 1
    # Either app server gives the same version the same ETag (one release, one data token), and a 304 for it.
    assert get(portal.a, path, **{"If-None-Match": first.headers["etag"]}).status == 304
    assert get(portal.b, path, **{"If-None-Match": first.headers["etag"]}).status == 304

    # A visitor with a session (staff) is passed through to an app server, never handed the shared copy.
    staff = get(portal.proxy, path, Cookie="sessionid=not-a-session")
    assert staff.status == 200 and staff.cache_status == "BYPASS"
    assert "private" in staff.headers["cache-control"]
    assert portal.app_requests(path) == 4


class FormFields(HTMLParser):
    """What a browser posts back when the form with id `form_id` is submitted unchanged."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button", "image", "file", "reset"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self.fields += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


class Browser:
    """One visitor's cookies over plain HTTP to one app server (enough for the admin's sign-in and forms)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Answer:
        headers = {"Host": LOOPBACK}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            text = response.read().decode()
            return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, text)
        finally:
            connection.close()

    def form(self, path: str, form_id: str) -> list[tuple[str, str]]:
        page = self.request("GET", path)
        assert page.status == 200, (path, page.status)
        parser = FormFields(form_id)
        parser.feed(page.body)
        assert parser.fields, f"no form #{form_id} on {path}"
        return parser.fields

    def sign_in(self, username: str, password: str) -> None:
        fields = dict(self.form("/admin/login/", "login-form"))
        fields.update(username=username, password=password, next="/admin/")
        answer = self.request("POST", "/admin/login/?next=/admin/", list(fields.items()))
        assert answer.status == 302 and answer.headers["location"] == "/admin/", answer.status


def errors_of(page: str) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, flags=re.DOTALL)


def test_an_edit_saved_on_one_server_shows_on_the_other_at_once_and_through_the_proxy_after_the_max_age(
    portal, settings
):
    published_projects("Amur rail depot")
    project = ProjectFactory._meta.model.objects.get(title="Amur rail depot")
    # The app servers hash passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    editor = UserFactory(username="editor", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    path = "/en/projects/?edition=14"

    # Redis is the one cache: a page B rendered is a page-cache hit on A.
    assert "X-Page-Cache" not in get(portal.b, path).headers
    assert get(portal.a, path).headers.get("x-page-cache") == "hit"

    browser = Browser(portal.a)
    browser.sign_in("editor", PASSWORD)
    change = f"/admin/projects/project/{project.pk}/change/"
    fields = [
        (name, "Harbin solar park" if name == "title" else value)
        for name, value in browser.form(change, "project_form")
    ]

    filled = get(portal.proxy, path)
    filled_at = time.monotonic()
    assert filled.cache_status == "MISS" and "Amur rail depot" in filled.body

    saved = browser.request("POST", change, [*fields, ("_save", "Save")])
    assert saved.status == 302, errors_of(saved.body)

    # The other server shows the save at once: the data token is in the shared database, the pages in Redis.
    on_b = get(portal.b, path)
    assert "Harbin solar park" in on_b.body and "Amur rail depot" not in on_b.body
    assert on_b.headers["etag"] != filled.headers["etag"]

    # The proxy keeps its copy until the max-age has passed ...
    if time.monotonic() - filled_at < MAX_AGE_SECONDS - 1:
        kept = get(portal.proxy, path)
        assert kept.cache_status == "HIT" and "Amur rail depot" in kept.body

    # ... and then shows the edit: the first request after it may get the old page while the proxy fetches
    # the new one in the background (stale-while-revalidate), the next one gets the new page. (nginx counts the
    # max-age in whole seconds: its copy may last up to a second longer.)
    time.sleep(max(0.0, filled_at + MAX_AGE_SECONDS + 1.2 - time.monotonic()))
    seen = []
    while time.monotonic() < filled_at + MAX_AGE_SECONDS + 6:
        answer = get(portal.proxy, path)
        seen.append(answer.cache_status)
        if "Harbin solar park" in answer.body:
            break
        assert "Amur rail depot" in answer.body and answer.cache_status in ("STALE", "UPDATING", "EXPIRED"), seen
        time.sleep(0.2)
    else:
        pytest.fail(f"the proxy still served the old page {MAX_AGE_SECONDS + 6} s after it was kept: {seen}")
    assert len(seen) <= 3, seen
