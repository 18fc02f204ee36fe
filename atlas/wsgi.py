import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from atlas.finder.front import FrontCache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
# The finder's pages are answered again for a moment without entering Django (see front.py).
application = FrontCache(get_wsgi_application(), seconds=settings.ATLAS_FINDER_FRONT_MS / 1000)

# Move everything loaded at start-up out of the garbage collector's reach: full
# collections then scan only what requests create (benchmarks/entitlements.md).
gc.collect()
gc.freeze()
