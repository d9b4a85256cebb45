"""
WSGI config for expoportal project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/6.1/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expoportal.settings")

application = get_wsgi_application()

from expoportal.warmup import warm_up  # noqa: E402 - needs the settings get_wsgi_application configured

warm_up()
