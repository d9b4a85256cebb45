"""The local demo admin account: for a developer's machine only, never production."""

import secrets

from django.contrib.auth import get_user_model

DEMO_USERNAME = "demo"


def ensure_demo_admin(*, username: str = DEMO_USERNAME) -> str | None:
    """Create the demo superuser with a fresh random password and return it; None when it already exists.

    An existing account is left as it is (its password too), so loading the demo twice changes nothing.
    """
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(username=username, email=f"{username}@localhost", password=password)
    return password
