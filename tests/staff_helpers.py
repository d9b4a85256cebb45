"""Logging in as each staff role for the staff-workflow tests."""

from django.contrib.auth.models import Group

from tests.factories import SuperuserFactory, UserFactory


def login(client, user):
    # The user factories set the password after saving; save it so the session's password hash holds.
    user.save()
    client.force_login(user)
    client.user = user
    return client


def role_user(role: str | None, **kwargs):
    """A staff member in the group 'Data entry' or 'Editors' (None: a superuser)."""
    if role is None:
        return SuperuserFactory(**kwargs)
    user = UserFactory(is_staff=True, **kwargs)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user
