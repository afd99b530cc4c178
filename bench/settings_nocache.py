"""The `local` profile with no cache at all, for the benchmark's uncached pass.

bench/run.py serves it with PYTHONPATH=bench and DJANGO_SETTINGS_MODULE=settings_nocache, so that every
request runs the page's full path whatever the page caches; everything else is `local` unchanged."""

from remarket.settings.local import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
