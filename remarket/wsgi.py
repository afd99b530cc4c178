import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remarket.settings.local")
application = get_wsgi_application()

from remarket.core.checks import refuse_unsafe_start  # noqa: E402  (needs the apps loaded)
from remarket.core.media import media_served  # noqa: E402

refuse_unsafe_start()
# catalog photos (content-hashed names) answered before Django: no middleware, no URL resolution, no database
application = media_served(application)
