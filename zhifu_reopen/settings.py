"""One settings module, configured from the environment (DESIGN §4).

Unset DATABASE_URL → an embedded SQLite file; unset REDIS_URL → Celery tasks run inline and the cache
is local memory. SECRET_KEY is required unless DEBUG is on.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("ZHIFU_TESTING"):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-dev-key-only-for-debug-and-tests"  # nosec B105: used only with DEBUG on or in tests; production refuses to start without SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base of public links (placard QR codes point here). `make run` exports it from HOST/PORT; in
# production an unset value would print placards that scan to a dead link, so it stops start-up.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
if not PUBLIC_BASE_URL:
    if not DEBUG and not env_bool("ZHIFU_TESTING"):
        raise ImproperlyConfigured(
            "PUBLIC_BASE_URL must be set when DEBUG is off: the absolute address the public reaches this "
            "server at (e.g. https://fugong.example.gov.cn), which placard QR codes point to."
        )
    PUBLIC_BASE_URL = f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",  # issue 13 (auth): login lockout
    "django_otp",  # issue 13 (auth): two factors
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "zhifu_reopen",
    "org",
    "accounts",
    "enterprises",
    "approvals",
    "placards",
    "inspections",
    "liaisons",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "zhifu_reopen.request_context.RequestContextMiddleware",  # audit-13: request id + address for audit and logs
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # issue 13 §3: SECURE_CSP below, a nonce a response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhifu_reopen.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's, the user read from the cache with its scope
    "accounts.middleware.SessionLimitsMiddleware",  # issue 13 (auth): idle and absolute session limits
    "accounts.middleware.TwoFactorMiddleware",  # issue 13 (auth): nothing but verify/enrol until verified
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "zhifu_reopen.middleware.BadParameterMiddleware",
    "zhifu_reopen.middleware.DenialAuditMiddleware",  # audit-13: a 403 / an object's 404 to a signed-in user
    "axes.middleware.AxesMiddleware",  # issue 13 (auth): a locked-out login → the 429 page (last, as axes asks)
]

ROOT_URLCONF = "zhifu_reopen.urls"
WSGI_APPLICATION = "zhifu_reopen.wsgi.application"

TEMPLATES = [
    {
        # Every page of the product renders through Jinja2 from the top-level templates/ folder, on one
        # layout (templates/base.html), autoescaping on. It is the one engine because the hot lists
        # (the enterprise list at district scale, the 待办 queue) cost several times more through Django's.
        "BACKEND": "zhifu_reopen.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "zhifu_reopen.jinja2.environment",
            "autoescape": True,
            # csp: {{ csp_nonce }}, the response's CSP nonce, on every inline <script>/<style> (issue 13 §3).
            "context_processors": ["django.contrib.auth.context_processors.auth",
                                   "django.template.context_processors.csp"],
            # Globals an upper app lends the pages of the apps below it (the layers run one way, so the
            # base module names them here by dotted path and imports no app).
            "hooks": {
                "navigation": "accounts.context_processors.navigation",
                "enterprise_applications": "approvals.template_hooks.enterprise_applications",
                "application_placard": "placards.template_hooks.application_placard",
                "inspection_start_button": "inspections.template_hooks.inspection_start_button",
                "enterprise_enforcement": "inspections.template_hooks.enterprise_enforcement",
                "enterprise_liaison": "liaisons.template_hooks.enterprise_liaison",
                "person_liaison": "liaisons.template_hooks.person_liaison",
            },
        },
    },
    {
        # Django admin only (its own templates and django-guardian's, and the override in
        # zhifu_reopen/templates/admin/); no product page is found here.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",  # the admin's {% csp_nonce_attr %}
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Fails open (a miss / no-op while Redis is down) with short socket timeouts: pages fall back to the DB.
    CACHES = {"default": {"BACKEND": "zhifu_reopen.cache.FailOpenRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    # Sessions read from the shared cache (written through to the database): one query less a request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",  # issue 13 (auth): django-axes refuses a locked-out login first
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",  # issue 13 (auth)
     "OPTIONS": {"user_attributes": ("username", "full_name", "email", "mobile")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no implicit "every row" from global perms, and a denied object is a 404.
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
GUARDIAN_MONKEY_PATCH_USER = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest import file accepted (bytes).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Imports with more rows than this run on a Celery worker with a progress bar.
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 500)

# Celery: a broker only when REDIS_URL is set; otherwise tasks run inline in the web process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that hangs must not hang the request that queues a job: bounded connect and socket waits.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600, "max_retries": 1,
                                   "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}
# Every background job (placards, imports, exports): re-send those whose first send failed (broker down
# at commit time) or whose message was lost.
CELERY_BEAT_SCHEDULE["jobs-sweep-pending"] = {"task": "jobs.sweep_pending", "schedule": 60.0}
# A running job beats this often; one silent for longer than the stale limit has lost its worker and is
# sent again by the sweep above (15 s + 45 s + the sweep's minute: within two minutes of the death).
JOB_HEARTBEAT_SECONDS = env_float("JOB_HEARTBEAT_SECONDS", 15.0)
JOB_HEARTBEAT_STALE_SECONDS = env_float("JOB_HEARTBEAT_STALE_SECONDS", 45.0)
# Public verify page: requests per address per minute, and scan rows buffered per process.
PLACARD_VERIFY_RATE_LIMIT = env_int("PLACARD_VERIFY_RATE_LIMIT", 120)
PLACARD_SCAN_BUFFER = env_int("PLACARD_SCAN_BUFFER", 1 if env_bool("ZHIFU_TESTING") else 50)
PLACARD_SCAN_FLUSH_SECONDS = 2.0

# Deadlines per step in hours, per category (issue 3); the green channel is much shorter.
STEP_DEADLINE_HOURS = {
    "epidemic_supply": 4,
    "livelihood": 24,
    "key_backbone": 48,
    "office_building": 48,
    "general": 72,
}
# Approvals: yellow in the last quarter of a step's time; reminders at most every 4 h; a step overdue by
# 24 h more is escalated to the task force; material uploads up to 10 MB.
APPROVALS_NEAR_DEADLINE_FRACTION = 0.25
APPROVALS_REMIND_INTERVAL_HOURS = env_int("APPROVALS_REMIND_INTERVAL_HOURS", 4)
APPROVALS_ESCALATE_AFTER_HOURS = env_int("APPROVALS_ESCALATE_AFTER_HOURS", 24)
APPROVALS_MATERIAL_MAX_BYTES = env_int("APPROVALS_MATERIAL_MAX_BYTES", 10 * 1024 * 1024)
# Separation of duties: the official who filed an application never takes its street step. A street
# with a single official may let the filer take it (the timeline then says so) when this is on.
APPROVALS_SOLE_OFFICIAL_MAY_REVIEW = env_bool("APPROVALS_SOLE_OFFICIAL_MAY_REVIEW", False)
# The start of the epidemic response: no leader meeting or survey visit is dated before it.
try:
    from datetime import date as _date

    EPIDEMIC_RESPONSE_START = _date.fromisoformat(os.environ.get("EPIDEMIC_RESPONSE_START", "2020-01-01"))
except ValueError:
    raise ImproperlyConfigured("EPIDEMIC_RESPONSE_START must be a date written YYYY-MM-DD.") from None
# How far ahead a requested reopening day may lie.
APPROVALS_REOPEN_MAX_DAYS_AHEAD = env_int("APPROVALS_REOPEN_MAX_DAYS_AHEAD", 366)
CELERY_BEAT_SCHEDULE["approvals-deadline-reminders"] = {
    "task": "approvals.tasks.send_deadline_reminders", "schedule": 15 * 60.0,
}
CELERY_BEAT_SCHEDULE["approvals-escalate-overdue"] = {"task": "approvals.tasks.escalate_overdue", "schedule": 30 * 60.0}
SURVEY_COVERAGE_DAYS = env_int("SURVEY_COVERAGE_DAYS", 14)

# E-mail (reminders and escalations go to users who have an address). Django 6.1 mailers: SMTP whenever
# EMAIL_HOST is set. Without it: the console log with DEBUG on; local memory under ZHIFU_TESTING (the tests'
# own worker processes); otherwise start-up stops — production never writes mail to a log (issue 13 §3).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ["EMAIL_HOST"], "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""), "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False), "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),  # a hung mail server must not hang a worker
    }}}
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
elif env_bool("ZHIFU_TESTING"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
else:
    raise ImproperlyConfigured(
        "EMAIL_HOST must be set when DEBUG is off: reminders and escalations are sent through SMTP "
        "(EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL)."
    )
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fugong@zhifu.gov.cn")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- issue 13 (auth): logins and sessions ------------------------------------------------------------
from datetime import timedelta as _timedelta  # noqa: E402

# Passwords: Argon2 first (older hashes still verify and are upgraded at the next login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Lockout (django-axes): an account and an address are counted apart, each locked after
# LOGIN_FAILURE_LIMIT failures for LOGIN_COOLOFF_MINUTES; the district administrator unlocks earlier.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = _timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "zhifu_reopen.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.security.lockout_response"
# A success does not clear the counts: else an attacker with an account of their own would sign in to
# clear their address's failures and go on guessing others'.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit trail; axes keeps only the failure counts
AXES_HTTP_RESPONSE_CODE = 429
# Two factors (django-otp): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = "芝罘复工"
# Sessions: signed out after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after the
# login, whatever happens (accounts.middleware.SessionLimitsMiddleware). Cookies: HttpOnly and SameSite
# always, Secure with SECURE_COOKIES (production).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# --- end issue 13 (auth) -----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"

# --- Headers and HTTPS (issue 13 §3; production values in README "Production settings") ---------------
# Content-Security-Policy on every response (django.middleware.csp): scripts and <style> blocks only from
# this origin or carrying the response's nonce ({{ csp_nonce }} in templates, a fresh one per response);
# no style="" attributes either (the templates use classes; dynamic widths are set from data-width by
# static/js/app.js through the CSSOM, which CSP does not govern). No framing, no plugins, no <base>.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind the TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO=https (the proxy must
# overwrite that header), then plain-HTTP requests are redirected to HTTPS (the health probes excepted,
# they come from inside) and HTTPS answers carry HSTS for a year, sub-domains included.
_proxy_ssl = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl:
    if "=" not in _proxy_ssl:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is written HEADER=value, e.g. HTTP_X_FORWARDED_PROTO=https.")
    SECURE_PROXY_SSL_HEADER = tuple(part.strip() for part in _proxy_ssl.split("=", 1))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading (security.W021) is a decision for the owners of the registrable domain (zhifu.gov.cn): it is
# submitted to the browser vendors, binds every sibling host and takes months to undo, so a service on one
# host does not claim it by default. SECURE_HSTS_PRELOAD=1 once the domain is submitted.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# --- end headers and HTTPS -----------------------------------------------------------------------------

# --- audit-13: the audit trail and structured logs -------------------------------------------------------
# Audit entries are kept at least this many days (the Cybersecurity Law's six months); only
# `manage.py audit_purge` deletes older ones, and the database trigger refuses anything younger than 180.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (network logs are kept six months).")
# Log lines as JSON (time, level, logger, message, request_id, user_id, path), web and worker alike;
# LOG_FORMAT=text for plain lines on a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "zhifu_reopen.logs.JsonFormatter"},
                   "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "text" if LOG_FORMAT == "text" else "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# --- end audit-13 ---------------------------------------------------------------------------------------

SITE_TITLE = _("芝罘区企业复工复产审批系统")

# Patrols and enforcement (inspections).
INSPECTIONS_PHOTO_MAX_BYTES = env_int("INSPECTIONS_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
INSPECTIONS_PHOTO_MAX_PIXELS = env_int("INSPECTIONS_PHOTO_MAX_PIXELS", 40_000_000)  # a decompression bomb beyond
INSPECTIONS_RECTIFY_DAYS = env_int("INSPECTIONS_RECTIFY_DAYS", 3)  # default deadline of a rectification order
INSPECTIONS_LOOKBACK_DAYS = env_int("INSPECTIONS_LOOKBACK_DAYS", 14)  # a reopened enterprise comes due after
INSPECTIONS_DUE_LIST_HOUR = env_int("INSPECTIONS_DUE_LIST_HOUR", 6)  # Celery beat builds the due lists at
# Every team's due list, rebuilt each morning (and on demand by a member): the task looks every quarter of
# an hour and builds once a day, at the first look after INSPECTIONS_DUE_LIST_HOUR (an interval, so the
# embedded beat of ``make run`` runs it as Celery beat does).
CELERY_BEAT_SCHEDULE["inspections-due-lists"] = {
    "task": "inspections.tasks.due_lists_build_daily", "schedule": 15 * 60.0,
}

# Resident liaisons and the daily log (liaisons).
# Days a problem (企业诉求) has before it is overdue, by category; an overdue problem escalates on beat.
LIAISONS_PROBLEM_DAYS = {
    "supplies": env_int("LIAISONS_DAYS_SUPPLIES", 2), "infrastructure": env_int("LIAISONS_DAYS_INFRASTRUCTURE", 5),
    "staffing": env_int("LIAISONS_DAYS_STAFFING", 5), "logistics": env_int("LIAISONS_DAYS_LOGISTICS", 3),
    "funding": env_int("LIAISONS_DAYS_FUNDING", 7), "other": env_int("LIAISONS_DAYS_OTHER", 5),
}
LIAISONS_ATTACHMENT_MAX_BYTES = env_int("LIAISONS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# A firm of the daily-log regime that has not logged by this hour raises an alert for its liaison and street.
LIAISONS_DAILY_LOG_HOUR = env_int("LIAISONS_DAILY_LOG_HOUR", 20)
CELERY_BEAT_SCHEDULE["liaisons-escalate-overdue"] = {
    "task": "liaisons.tasks.problems_escalate_overdue", "schedule": 15 * 60.0,
}
CELERY_BEAT_SCHEDULE["liaisons-daily-log-alerts"] = {
    "task": "liaisons.tasks.daily_log_alerts_if_due", "schedule": 15 * 60.0,
}

# Dashboards (dashboards): the summary tables are refreshed on beat every DASHBOARDS_REFRESH_SECONDS (and on
# demand); a figure older than twice that is shown as stale. The daily report is made at 08:00.
DASHBOARDS_REFRESH_SECONDS = env_int("DASHBOARDS_REFRESH_SECONDS", 300)
DASHBOARDS_DAILY_REPORT_HOUR = env_int("DASHBOARDS_DAILY_REPORT_HOUR", 8)
CELERY_BEAT_SCHEDULE["dashboards-summaries"] = {
    "task": "dashboards.tasks.summaries_refresh", "schedule": float(DASHBOARDS_REFRESH_SECONDS),
}
CELERY_BEAT_SCHEDULE["dashboards-daily-report"] = {
    "task": "dashboards.tasks.daily_report_if_due", "schedule": 15 * 60.0,
}

# --- Operations (issue 13, items 6 and 10: part "ops") --------------------------------------------------
# The client's address behind a reverse proxy (zhifu_reopen/client_ip.py): the header CLIENT_IP_HEADER is
# believed only from the addresses / networks in TRUSTED_PROXIES (comma-separated; empty: no proxy, the
# headers are ignored and REMOTE_ADDR is the client).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip() or "X-Forwarded-For"
try:
    import ipaddress as _ipaddress

    for _proxy in TRUSTED_PROXIES:
        _ipaddress.ip_network(_proxy, strict=False)
except ValueError as _exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_exc}") from None
# Public verify page: besides PLACARD_VERIFY_RATE_LIMIT (per address and minute), a ceiling on all the
# requests it serves per second, counted in Redis before any database query (0: no ceiling).
PLACARD_VERIFY_GLOBAL_LIMIT = env_int("PLACARD_VERIFY_GLOBAL_LIMIT", 600)
# The broker: CELERY_BROKER_URL (redis://… or amqp://… for RabbitMQ) or else REDIS_URL; Redis stays the
# cache either way. Without any broker tasks run inline. visibility_timeout is a Redis notion (RabbitMQ
# gives an unacknowledged message back as soon as its worker's connection drops).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
if CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://")):
    # py-amqp takes the transport options as its own arguments: none of the Redis ones; a bounded connect.
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "").strip() or "celery"
# How often beat sends the job sweep (seconds).
CELERY_BEAT_SCHEDULE["jobs-sweep-pending"]["schedule"] = env_float("JOBS_SWEEP_SECONDS", 60.0)
# /readyz: a worker refreshes its heartbeat this often (zhifu_reopen/health.py); older than the limit, the
# worker counts as gone. Every check of /readyz gives up after READYZ_TIMEOUT_SECONDS.
WORKER_HEARTBEAT_SECONDS = env_float("WORKER_HEARTBEAT_SECONDS", 20.0)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_float("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 120.0)
READYZ_TIMEOUT_SECONDS = env_float("READYZ_TIMEOUT_SECONDS", 0.8)
# --- end of operations ---------------------------------------------------------------------------------

# --- Personal data (issue 13 item 5; zhifu_reopen/pii.py) ------------------------------------------------
# PII_KEYS: comma-separated Fernet keys; the first encrypts, all decrypt (rotate: new key first, run
# `manage.py pii_rotate`, then drop the old key). PII_INDEX_KEY: the HMAC key of the blind index of ID
# numbers (changing it also needs `pii_rotate`). DEBUG and tests get fixed development keys; production
# without them refuses to start.
PII_KEYS = env_list("PII_KEYS")
PII_INDEX_KEY = os.environ.get("PII_INDEX_KEY", "")
if not PII_KEYS or not PII_INDEX_KEY:
    if not DEBUG and not env_bool("ZHIFU_TESTING"):
        raise ImproperlyConfigured("PII_KEYS and PII_INDEX_KEY must be set when DEBUG is off: returning "
                                   "employees' personal data is encrypted at rest with them.")
    PII_KEYS = PII_KEYS or ["emhpZnUtZGV2LXBpaS1rZXktbm90LWZvci1wcm9kISE="]  # development only
    PII_INDEX_KEY = PII_INDEX_KEY or "zhifu-dev-blind-index-key"  # development only
# Retention (PIPL): the rosters and material files of an application closed (approved, rejected, withdrawn)
# more than PII_RETENTION_DAYS ago are deleted, and those of every application once the epidemic response
# (EPIDEMIC_RESPONSE_END, YYYY-MM-DD, optional) has been over that long. Checked daily on beat.
PII_RETENTION_DAYS = env_int("PII_RETENTION_DAYS", 90)
try:
    EPIDEMIC_RESPONSE_END = (_date.fromisoformat(os.environ["EPIDEMIC_RESPONSE_END"])
                             if os.environ.get("EPIDEMIC_RESPONSE_END", "").strip() else None)
except ValueError:
    raise ImproperlyConfigured("EPIDEMIC_RESPONSE_END must be a date written YYYY-MM-DD.") from None
CELERY_BEAT_SCHEDULE["approvals-personal-data-purge"] = {
    "task": "approvals.tasks.personal_data_purge", "schedule": 24 * 3600.0,
}
# The public verify page's scan log: raw scans older than this are folded into daily counts per placard.
PLACARD_SCAN_RAW_DAYS = env_int("PLACARD_SCAN_RAW_DAYS", 30)
CELERY_BEAT_SCHEDULE["placards-scans-fold"] = {"task": "placards.tasks.scans_fold", "schedule": 24 * 3600.0}
# --- end personal data ---------------------------------------------------------------------------------------
