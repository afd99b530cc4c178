"""Settings shared by every profile; `local`, `production` and `test` refine them."""

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path.cwd() / "var"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "ninja",  # Swagger UI for /api/v1/docs from its own static files, no CDN
    "remarket.core",
    "remarket.accounts",
    "remarket.markets",
    "remarket.catalog",
    "remarket.merchants",
    "remarket.offers",
    "remarket.search",
    "remarket.orders",
    "remarket.invoices",
    "remarket.aftersales",
    "remarket.buyback",
    "remarket.checkout",
    "remarket.payments",
    "remarket.ledger",
    "remarket.impact",
    "remarket.analytics",
    "remarket.events",
    "remarket.webhooks",
    "remarket.cli",
    "remarket.web",
    "axes",
]

MIDDLEWARE = [
    "remarket.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "remarket.core.replica.ReplicaPinMiddleware",  # read-your-writes with a replica (core/replica.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page
]

ROOT_URLCONF = "remarket.urls"
WSGI_APPLICATION = "remarket.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "/"

# Login throttling on /login/ and /admin/login/ (django-axes): 5 failures in a row lock that username from that
# address for 15 minutes. Username and address together, so an attacker elsewhere cannot lock a customer out,
# and the cool-off ends it, so nobody is locked out for good.
# Customers log in with their e-mail (accounts/backends.py), staff with their usernames; axes stands first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "remarket.accounts.backends.EmailBackend",
]
AXES_USERNAME_CALLABLE = "remarket.accounts.backends.lockout_username"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "remarket.core.http.client_ip"  # the same address the checkout limits see
AXES_LOCKOUT_TEMPLATE = "login_locked.html"
AXES_DISABLE_ACCESS_LOG = True  # failures are what matter; a row per successful login would grow forever

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def installation_secret(name: str) -> str:
    """A secret of this installation, generated into var/ on first use and kept there (mode 600). Published
    with a hard link, which fails if the file exists: processes starting together all read the one secret."""
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        draft = VAR_DIR / f".{name}.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process published its own first
        finally:
            draft.unlink()
    return path.read_text().strip()


def database_from_env(default_url: str, env_url: str | None) -> dict:
    """One DATABASES entry: PostgreSQL with persistent, health-checked connections,
    or SQLite in WAL mode with IMMEDIATE transactions so writers queue instead of failing."""
    url = env_url or default_url
    db = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0 if ":memory:" in url else 600
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,  # busy_timeout, seconds
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    elif db["ENGINE"] == "django.db.backends.postgresql":
        db["ENGINE"] = "remarket.core.postgresql"  # Django's, with a health check without a round trip
        # Parameters bound by the server, and a statement a connection has run 5 times kept prepared: PostgreSQL
        # then skips parsing and planning it (measured: 5.0 → 2.9 ms of database CPU per purchase, bench/checkout.py
        # --cpu). Behind a pooler that cannot keep prepared statements, set REMARKET_DB_PREPARE=off.
        prepare = os.environ.get("REMARKET_DB_PREPARE", "5")
        db["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": None if prepare == "off" else int(prepare)}
    return db


def replica_from_env() -> dict:
    """The read replica's DATABASES entry when `DATABASE_REPLICA_URL` names one (core/replica.py routes the reads
    of reports and read-only API pages to it), else nothing. Its sessions are read-only: a write sent there by
    mistake fails instead of forking the data."""
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url:
        return {}
    db = database_from_env("", url)
    if db["ENGINE"] == "remarket.core.postgresql":
        db["OPTIONS"] = {**db["OPTIONS"], "options": "-c default_transaction_read_only=on"}
    db["TEST"] = {"MIRROR": "default"}  # in the suite's own process, the test database stands for it
    return {"replica": db}


# reads of the views that opt in go to the replica when there is one; writes and migrations to the primary
DATABASE_ROUTERS = ["remarket.core.replica.ReplicaRouter"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The shipped languages: each has a complete catalogue in locale/ (tests/test_translations.py); a market whose
# language is not among them is served in English (core/i18n.py).
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded catalog images and their thumbnails (catalog/images.py), content-hashed: remarket/wsgi.py serves
# MEDIA_URL's photos/ from here before Django with a year-long cache; in production the reverse proxy does.
MEDIA_ROOT = Path(os.environ.get("REMARKET_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions in the database: the local-memory cache is each process's own, so `cached_db` would let one gunicorn
# worker serve a session another has changed since (a guest's order vanished after checkout). With REDIS_URL the
# production profile keeps them in Redis, which every process shares.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "rm1"}}

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = "remarket <no-reply@remarket.invalid>"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "remarket.core.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "remarket.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# The Back Market-compatible seller API: (requests, seconds) per token, and the CSV batch limits.
WS_RATE_LIMIT = tuple(int(n) for n in os.environ.get("REMARKET_WS_RATE_LIMIT", "200/10").split("/"))
WS_CATALOG_RATE_LIMIT = (20, 10)
# Background work: unset, `remarket worker` (which `remarket serve` supervises) drains the outbox and runs the
# periodic jobs; set to a broker (amqp://... or redis://...), Celery workers and one beat do (events/celery_app.py)
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# where rate-limit counters live (core/counters.py): the database, shared by every process; "cache" with Redis
REMARKET_COUNTERS = "database"
FEED_MAX_ROWS = 15000
FEED_MAX_BYTES = 32 * 1024 * 1024

# Marketplace rules the operator tunes.
# values of several shapes (numbers, strings, nested tables): each reader knows the shape of its key
REMARKET: dict[str, Any] = {
    # 10 % of each line's price as the buyer pays it (VAT included, US sales tax and shipping excluded),
    # unless the category or the merchant has its own rate (ledger/commission.py)
    "COMMISSION_BP": 1000,
    # the monthly subscription fee, in minor units of the merchant's home currency, charged on the 1st
    "SUBSCRIPTION_FEE": {"EUR": 4900, "USD": 4900, "GBP": 3900},
    "HOLD_MINUTES": 15,
    # a guest's order link (orders/access.py) lasts this long from the mail that carried it: delivery plus the
    # 30-day return window after it, with room for a slow parcel; the guest can ask for a fresh one at any time
    "GUEST_ORDER_LINK_DAYS": 90,
    # where the mails' links point
    "SITE_URL": os.environ.get("REMARKET_SITE_URL", "http://127.0.0.1:8000"),
    # units one buyer may hold in unpaid orders at once, and checkouts a minute (checkout/limits.py); per client
    # address looser, as a household or an office shares one; None switches a limit off
    "CHECKOUT_LIMITS": {"UNITS_HELD": 10, "UNITS_HELD_PER_IP": 30, "PER_MINUTE": 6, "PER_MINUTE_PER_IP": 30},
    "MAX_LINE_QUANTITY": 10,
    # sign-ups and password-reset requests an hour per client address (accounts/identity.py); None: no limit
    "ACCOUNT_LIMITS": {"SIGNUP_PER_HOUR": 10, "RESET_PER_HOUR": 10},
    # proxies in front of the app servers that append the client's address to X-Forwarded-For (core/http.py)
    "TRUSTED_PROXIES": int(os.environ.get("REMARKET_TRUSTED_PROXIES", "0")),
    # the payment provider's adapter (README "Payment providers"); the sandbox unless the environment names another
    "PAYMENT_GATEWAY": os.environ.get("REMARKET_PAYMENT_GATEWAY", "remarket.payments.sandbox.SandboxGateway"),
    # Stripe's account, when it is the provider (remarket/payments/stripe_gateway.py); JS_URL is Stripe.js, loaded
    # by the checkout page for its card field (Elements) and the 3-D Secure step
    "STRIPE": {
        "SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY", ""),
        "WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        "JS_URL": os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        "KEY_PREFIX": os.environ.get("REMARKET_INSTALLATION", ""),
    },
    # the sandbox gateway's webhook secret: each profile sets it (local and test generate one into var/,
    # installation_secret below); never a constant in the repository
    "WEBHOOK_SECRET": "",
    # which profile runs: production refuses what is only for demos (remarket/core/checks.py)
    "PROFILE": "base",
    "OUTBOX_LEASE_SECONDS": 60,
    # a handler that fails this many times puts its event in the failed events (/ops/events/, `remarket events`)
    "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("REMARKET_OUTBOX_MAX_ATTEMPTS", "10")),
    # outbound webhooks (remarket/webhooks): one POST's time limit, the attempts before a delivery is failed (10 s,
    # 20 s, 40 s... apart, at most an hour), and the subscriptions one merchant or partner may have
    "WEBHOOK_TIMEOUT_SECONDS": float(os.environ.get("REMARKET_WEBHOOK_TIMEOUT_SECONDS", "5")),
    "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("REMARKET_WEBHOOK_MAX_ATTEMPTS", "8")),
    "WEBHOOK_MAX_SUBSCRIPTIONS": 10,
    # with Celery: how often beat's relay publishes the due events
    "OUTBOX_RELAY_SECONDS": float(os.environ.get("REMARKET_OUTBOX_RELAY_SECONDS", "0.5")),
    # with a read replica: how long the author of a write reads from the primary (more than the replica's lag)
    "REPLICA_PIN_SECONDS": int(os.environ.get("REMARKET_REPLICA_PIN_SECONDS", "10")),
    # a parcel waits this many days at its pickup location, then goes back and the customer is refunded
    "PICKUP_DAYS": 14,
}

# Content-Security-Policy (django-csp): scripts and styles from our own files only (no CDN, no inline script:
# page behaviours are in static/js); inline styles stay allowed for htmx's indicator and a few style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


def _stripe_origins(conf: dict) -> tuple[str, str]:
    """The origins the browser reaches when Stripe is the provider: Stripe.js (its script and the iframes of its
    card field and 3-D Secure step) and the API it calls with the publishable key."""
    from urllib.parse import urlsplit

    def origin(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    return origin(conf["JS_URL"]), origin(conf["API_BASE"] or "https://api.stripe.com")


if REMARKET["PAYMENT_GATEWAY"].endswith(".StripeGateway"):
    _js, _api = _stripe_origins(REMARKET["STRIPE"])
    _directives = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    _directives["script-src"] = [*_directives["script-src"], _js]
    _directives["frame-src"] = ["'self'", _js, "https://hooks.stripe.com"]
    _directives["connect-src"] = [*_directives["connect-src"], _js, _api]
