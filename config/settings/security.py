"""Settings of passwords, login lockout, sessions, cookies and HTTPS."""
from .env import env

# Argon2 first (Django's recommendation; cheaper per login under load than PBKDF2 at its current
# iterations), the others kept so that existing hashes still verify and are upgraded on next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Django's validators with Chinese messages (its own translations do not cover every message).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "registry.validators.UserAttributeSimilarityValidator"},
    {"NAME": "registry.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "registry.validators.CommonPasswordValidator"},
    {"NAME": "registry.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lock a login name after this many failed logins in a row, for this long (registry.login_security).
LOGIN_LOCKOUT_ATTEMPTS = env.int("LOGIN_LOCKOUT_ATTEMPTS", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
# Refuse every login from an address with this many failures within the window, for this long
# (0 failures: off). An office behind one NAT address shares the count: keep it well above the lock.
LOGIN_IP_MAX_FAILURES = env.int("LOGIN_IP_MAX_FAILURES", default=20)
LOGIN_IP_WINDOW_MINUTES = env.int("LOGIN_IP_WINDOW_MINUTES", default=10)
LOGIN_IP_BLOCK_MINUTES = env.int("LOGIN_IP_BLOCK_MINUTES", default=15)
# Reverse proxies in front of the application that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Log out a session idle for this many seconds, and any session this many seconds after its login.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# HTTPS, set by the deployment (the embedded default serves plain HTTP on 127.0.0.1).
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https" (the header the proxy sets, and its
# value for HTTPS). Only when the proxy always sets or strips that header itself.
_proxy_ssl_header = env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None

# No inline script anywhere (scripts are files under static/). style-src allows inline styles: the
# templates size their chart containers with style attributes, htmx inserts its indicator <style>
# and Swagger UI and the admin set style attributes; an inline style cannot run code.
# img-src data: is Tabler's CSS (form controls draw their icons as data: SVG).
CONTENT_SECURITY_POLICY = env(
    "DJANGO_CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
)

AUTHENTICATION_BACKENDS = ["registry.auth.LockoutModelBackend"]

# The key of the case ledger's HMAC chain and of its anchors. It must live outside the database (an
# environment variable, a secret store): whoever can rewrite rows must not be able to re-sign them.
# Empty: a key derived from DJANGO_SECRET_KEY (development, tests); `check --deploy` warns (cases.W010).
# Changing it makes every keyed event fail verification: keep it for as long as the ledger.
LEDGER_HMAC_KEY = env("LEDGER_HMAC_KEY", default="")
