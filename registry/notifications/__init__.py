"""The in-app inbox every app delivers to (notify_users / notify_units) and its pages and API.

The rows live in the model settings.NOTIFICATION_MODEL names (a registration hook, as AUTH_USER_MODEL:
cases.Notification, whose table predates this package and which adds the case a message is about), so
the ground reads and writes them without importing the app above it."""
