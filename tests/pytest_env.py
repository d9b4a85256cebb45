"""A pytest plugin loaded (-p) before pytest-django reads the settings: tests run with DEBUG off, as production does."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "1")
