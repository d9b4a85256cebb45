"""Settings for benchmark runs only: the portal's own settings plus the floor view's URLconf.

Everything comes from expoportal.settings (and so from the environment, as in production); only the
URLconf and the folder collectstatic writes to differ, so nothing here ships in the public site.
"""

from expoportal.settings import *  # noqa: F403
from expoportal.settings import BASE_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = BASE_DIR / "bench" / "results" / "staticfiles"
