from .env import env

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "registry.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lock an account after this many failed logins in a row, for this long.
LOGIN_LOCKOUT_ATTEMPTS = env.int("LOGIN_LOCKOUT_ATTEMPTS", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
# Log out a session idle for this many seconds.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

AUTHENTICATION_BACKENDS = ["registry.auth.LockoutModelBackend"]

# The key of the case ledger's HMAC chain and of its anchors. It must live outside the database (an
# environment variable, a secret store): whoever can rewrite rows must not be able to re-sign them.
# Empty: a key derived from DJANGO_SECRET_KEY (development, tests); `check --deploy` warns (cases.W010).
# Changing it makes every keyed event fail verification: keep it for as long as the ledger.
LEDGER_HMAC_KEY = env("LEDGER_HMAC_KEY", default="")
