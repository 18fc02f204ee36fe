import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
application = get_wsgi_application()

# Move everything loaded at start-up out of the garbage collector's reach: full
# collections then scan only what requests create (benchmarks/entitlements.md).
gc.collect()
gc.freeze()
