"""What the HTTP race tests share: a gunicorn on the test database started with the environment a test needs (a
crash point, a trusted proxy), and a browser-like client that renders a page and posts back the form it holds,
hidden fields included, so a test exercises the real page."""

from html.parser import HTMLParser

import requests

from ..conftest import gunicorn_serving

TIMEOUT = 30  # seconds for any one HTTP call: a hung server fails the test instead of hanging it


def gunicorn(*, env: dict[str, str] | None = None, workers: int = 2):
    """gunicorn serving the test database with the environment a test needs (tests/conftest.py)."""
    return gunicorn_serving(env=env, workers=workers)


class _Form(HTMLParser):
    """The fields a browser would send for the first `<form method="post">` (optionally the one whose action
    contains `action`): inputs with their values, each select's selected or first option."""

    def __init__(self, action: str | None):
        super().__init__()
        self.want, self.inside, self.done = action, False, False
        self.action, self.fields, self._select = "", {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("method") or "").lower() == "post":
            if self.want is None or self.want in (a.get("action") or ""):
                self.inside, self.action = True, a.get("action") or ""
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self.fields or "selected" in a:
                self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_of(html: str, action: str | None = None) -> tuple[str, dict[str, str]]:
    parser = _Form(action)
    parser.feed(html)
    assert parser.done, f"no post form{f' to {action}' if action else ''} on the page"
    return parser.action, parser.fields


class Browser:
    """One visitor: its own cookies (session, CSRF), optionally its own client address behind the trusted proxy."""

    def __init__(self, base: str, *, client_ip: str | None = None):
        self.base = base
        self.http = requests.Session()
        self.headers = {"X-Forwarded-For": client_ip} if client_ip else {}

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.base + path, headers=self.headers, timeout=TIMEOUT, allow_redirects=False)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response

    def form(self, path: str, action: str | None = None) -> tuple[str, dict[str, str]]:
        """The page's post form: where it posts, and what it would send as rendered."""
        target, fields = form_of(self.get(path).text, action)
        return target or path, fields

    def post(self, path: str, data: dict) -> requests.Response:
        """A form post as the browser sends it: the session's cookies and the page's CSRF token, no redirect
        followed (the test reads where it points)."""
        return requests.post(
            self.base + path,
            data=data,
            cookies=self.http.cookies.get_dict(),
            headers={**self.headers, "Referer": self.base + path},
            timeout=TIMEOUT,
            allow_redirects=False,
        )

    def login(self, username: str, password: str = "correct horse battery") -> None:
        target, fields = self.form("/login/")
        response = self.http.post(
            self.base + target,
            data={**fields, "username": username, "password": password},
            headers={**self.headers, "Referer": self.base + "/login/"},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        assert response.status_code == 302, (response.status_code, response.text[:500])
