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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhifu_reopen.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's, the user read from the cache with its scope
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "zhifu_reopen.middleware.BadParameterMiddleware",
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
            "context_processors": ["django.contrib.auth.context_processors.auth"],
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
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
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

# E-mail (reminders and escalations go to users who have an address). Django 6.1 mailers: SMTP when
# EMAIL_HOST is set, otherwise written to the console log.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ["EMAIL_HOST"], "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""), "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fugong@zhifu.gov.cn")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

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
