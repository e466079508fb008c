"""Settings for the Beautique Store backend.

One module for every environment: everything that differs between a laptop and
production comes from environment variables (see `.env.example`).
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "beautique.apps.StoreAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "catalog",
    "orders",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "beautique.middleware.NeverCacheStaffAPI",
    "beautique.middleware.ContentSecurityPolicy",
    "corsheaders.middleware.CorsMiddleware",
    "beautique.middleware.NullCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "beautique.urls"
WSGI_APPLICATION = "beautique.wsgi.application"
# Every API route matches with and without its trailing slash itself; a redirect
# would turn a POST into a GET and lose its body.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# Behind a transaction-pooling proxy (PgBouncer, Neon's "-pooler" host) server-side
# cursors break; the CSV export then reads its chunks client-side.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS")
# A database that is down or hung must cost a request seconds, not a worker: connecting
# gives up after DB_CONNECT_TIMEOUT, the server cancels a statement after
# DB_STATEMENT_TIMEOUT (0: no limit; pooled hosts that reject startup options need 0),
# and beautique.pgbackend cuts the connection of a hung server a little later.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT") or 15)
    DATABASES["default"]["ENGINE"] = "beautique.pgbackend"
    DATABASES["default"]["QUERY_DEADLINE_SECONDS"] = float(
        os.environ.get("DB_QUERY_DEADLINE") or (DB_STATEMENT_TIMEOUT or 15) + 3
    )
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    if DB_STATEMENT_TIMEOUT:
        options["options"] = (
            f"{options.get('options', '')} -c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}"
        ).strip()

# The cache holds throttles and sign-in failure counts, so every worker must share it:
# Redis when REDIS_URL is set (needed when several servers serve the store), otherwise
# files that every worker of this one server reads. `default` fails over to a cache of
# the process alone while the shared one is unreachable (beautique/cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")


def default_cache_dir() -> Path:
    """The file cache's folder: in memory (/dev/shm) where the machine has it, else
    `.cache` here. Every throttled request writes an entry: 14 microseconds on tmpfs,
    110 on ext4 (which flushes a file renamed over another). One folder per user and
    checkout, made private (0700); one that another user made, or that others may
    write to, is not used (the cache unpickles what it reads)."""
    checkout = hashlib.sha256(bytes(BASE_DIR)).hexdigest()[:12]
    folder = Path("/dev/shm") / f"beautique-cache-{os.getuid()}-{checkout}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        made = folder.stat()
    except OSError:
        return BASE_DIR / ".cache"
    if made.st_uid != os.getuid() or made.st_mode & 0o077:
        return BASE_DIR / ".cache"
    return folder


CACHE_SOCKET_TIMEOUT = float(os.environ.get("CACHE_SOCKET_TIMEOUT") or 0.5)
if REDIS_URL:
    SHARED_CACHE = {
        "BACKEND": "beautique.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "beautique"),
        "OPTIONS": {
            "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
            "socket_timeout": CACHE_SOCKET_TIMEOUT,
        },
    }
else:
    SHARED_CACHE = {
        "BACKEND": "beautique.cache.SharedFileCache",
        "LOCATION": os.environ.get("CACHE_DIR") or default_cache_dir(),
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
    }
CACHES = {
    "default": {"BACKEND": "beautique.cache.FailoverCache", "OPTIONS": {"SHARED": "shared"}},
    "shared": SHARED_CACHE,
}

# Public catalog answers (beautique/httpcache.py) are kept on the server until the
# catalog changes; browsers and CDNs revalidate them with If-None-Match (a 304 without
# a body), so a change is visible on the next read everywhere.
PUBLIC_CACHE_CONTROL = os.environ.get("PUBLIC_CACHE_CONTROL", "public, no-cache")

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Karachi")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project's own stylesheets (admin branding and dashboard, the /api/docs page).
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

CLOUDINARY_URL = os.environ.get("CLOUDINARY_URL", "")
STORAGES = {
    "default": {
        "BACKEND": (
            "beautique.storage.CloudinaryMediaStorage"
            if CLOUDINARY_URL
            else "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if CLOUDINARY_URL:
    INSTALLED_APPS.append("cloudinary_storage")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: the API accepts up to 10 images of 5 MB each in one request. Files over
# Django's 2.5 MB FILE_UPLOAD_MAX_MEMORY_SIZE spool to a temporary file, not RAM.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_IMAGE_BYTES = 5 * 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = 60 * 1024 * 1024
# The production server's access log (beautique.serving.AccessLog).
ACCESS_LOG = env_bool("ACCESS_LOG", True)

CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000"
)
CORS_URLS_REGEX = r"^/(api/|health).*$"
CORS_ALLOW_CREDENTIALS = False
# The storefront may send Idempotency-Key with an order and must be able to read
# Retry-After on a 429 and the CSV export's file name.
CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = ["Retry-After", "Content-Disposition"]

REST_FRAMEWORK = {
    # orjson: the same JSON as DRF's renderer (money as numbers, UTF-8), a fraction of the cost.
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    # JSON objects only; the image upload view declares its own multipart parser.
    "DEFAULT_PARSER_CLASSES": ["beautique.parsers.JSONObjectParser"],
    # Secure by default: every view is staff-only unless it opts out (the public
    # catalog and order views declare no authentication and AllowAny).
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.StaffJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsActiveStaff"],
    "DEFAULT_PAGINATION_CLASS": "beautique.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "beautique.schema.AutoSchema",
    "EXCEPTION_HANDLER": "beautique.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "order_tracking": os.environ.get("TRACKING_THROTTLE_RATE", "30/minute"),
        # Placing an order writes rows and takes the day's order-number lock: a public
        # endpoint must not be an open tap.
        "order_create": os.environ.get("ORDER_THROTTLE_RATE", "20/minute"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 24 * 60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
}

# The sign-in lockout of every door (accounts.lockout): attempts per window for a
# username from one client, from one client whatever the username, and for a username
# from every client together (a ceiling only a distributed attack reaches).
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_USERNAME_CLIENT_FAILURE_LIMIT = env_int("LOGIN_USERNAME_CLIENT_FAILURE_LIMIT", 5)
LOGIN_CLIENT_FAILURE_LIMIT = env_int("LOGIN_CLIENT_FAILURE_LIMIT", 20)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 100)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
# Argon2 for new passwords; PBKDF2 hashes are rehashed at the next sign-in. Each worker
# process computes at most PASSWORD_CHECKS_PER_WORKER hashes at a time (accounts.hashers).
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "accounts.hashers.PBKDF2PasswordHasher",
    "accounts.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_CHECKS_PER_WORKER = env_int("PASSWORD_CHECKS_PER_WORKER", 1)
# Order tracking (orders.tracking): lookups that find nothing, per phone number and per
# order id, before that phone number or order id is refused for the rest of the window.
TRACKING_MISS_LIMIT = env_int("TRACKING_MISS_LIMIT", 10)
TRACKING_MISS_WINDOW_SECONDS = env_int("TRACKING_MISS_WINDOW_SECONDS", 60 * 60)

SPECTACULAR_SETTINGS = {
    "TITLE": "Beautique Store API",
    "DESCRIPTION": "Catalog, ordering and tracking for the Beautique Store storefront, "
    "plus the staff API. An optional query parameter sent blank (`?start_date=`) counts as "
    "not sent; text is trimmed of the spaces around it before its length is checked.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api",
    # The schema and docs are public; a stale token in Swagger's "Authorize" must not
    # make them fail.
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["beautique.schema.document_api_paths"],
    # /health reports the database and the cache with the same two values.
    "ENUM_NAME_OVERRIDES": {"Reachability": ["ok", "unreachable"]},
}

# Production hardening; `manage.py check --deploy` passes with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^api/health/?$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# The preload directive only takes effect once the domain's owner submits it to
# hstspreload.org; sending it by default keeps `check --deploy` free of warnings.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) of the HTML pages (the admin, /api/docs,
# /api/redoc): scripts and styles from the backend only, none inline, so the pages also
# work offline (urls.py relaxes styles for ReDoc); pictures from any HTTPS address too
# (Cloudinary, or image URLs staff give). Every other answer (JSON, CSV, pictures) gets
# a policy that allows nothing: see beautique.middleware.ContentSecurityPolicy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
}
