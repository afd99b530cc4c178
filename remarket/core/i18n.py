"""Which of the shipped languages a market, an invoice or a visitor is served in.

A market's language is a BCP 47 tag (`de-DE`, `fr-BE`, `nl-BE`); the site speaks the shipped language
(`settings.LANGUAGES`) it names, and English, the source language, when we ship none of its language
(`sv-SE`): a page or a mail is then English throughout, Django's own words included, never English text with
Swedish validators under `lang="sv"`."""

from django.conf import settings
from django.utils.translation import get_supported_language_variant


def site_language(tag: str) -> str:
    """The shipped language code for a BCP 47 tag: "de-DE" → "de", "nl-BE" → "nl", "sv-SE" → "en"."""
    try:
        return get_supported_language_variant(tag.strip().lower())
    except LookupError:
        return settings.LANGUAGE_CODE
