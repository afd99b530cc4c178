"""Every shipped language is complete: each language of `LANGUAGES` but English (the source) has a catalogue
with every marked message translated, none fuzzy, the same placeholders and markup as the English, and the
compiled catalogue the server reads says what the source catalogue says (`make messages` extracts and compiles
them all)."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(__file__).resolve().parents[1] / "remarket" / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

# What must come through a translation unchanged: %-placeholders (named or not, and the %% of a formatted
# message), {}-placeholders, and HTML tags.
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|%[sd]|\{[A-Za-z_0-9]*\}")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str
    msgstrs: list[str]
    fuzzy: bool
    msgctxt: str = ""


def _entries(po: str) -> list[Entry]:
    """The live entries of a .po file (obsolete ones and the header left out)."""

    def text(block: str, key: str) -> list[str]:
        found = re.findall(rf'^{key}(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        return [
            "".join(re.findall(r'"(.*)"', f)).encode().decode("unicode_escape").encode("latin-1").decode()
            for f in found
        ]

    entries = []
    for block in po.split("\n\n"):
        if "#~" in block or "msgid" not in block:
            continue
        (msgid,) = text(block, "msgid")
        if msgid:
            plural = text(block, "msgid_plural")
            fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", block, re.M))
            context = text(block, "msgctxt")
            entries.append(
                Entry(msgid, plural[0] if plural else "", text(block, "msgstr"), fuzzy, context[0] if context else "")
            )
    return entries


def _untranslated(entries: list[Entry]) -> list[str]:
    return [e.msgid for e in entries if e.fuzzy or not e.msgstrs or not all(e.msgstrs)]


def _mismatched(entries: list[Entry]) -> list[str]:
    """Entries whose translation drops, adds or alters a placeholder or a tag of the English."""
    found = []
    for e in entries:
        for i, msgstr in enumerate(e.msgstrs):
            source = e.msgid if i == 0 or not e.msgid_plural else e.msgid_plural
            for pattern in (_PLACEHOLDER, _TAG):
                if msgstr and sorted(set(pattern.findall(source))) != sorted(set(pattern.findall(msgstr))):
                    found.append(f"{e.msgid!r} → {msgstr!r}")
    return found


def test_english_and_the_shipped_languages():
    assert settings.LANGUAGE_CODE == "en" and {"fr", "de", "nl"} <= set(SHIPPED)
    assert sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "django.po").exists()) == sorted(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_each_shipped_catalogue_is_complete_and_compiled(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = _entries(path.read_text())
    assert len(entries) > 200
    untranslated, mismatched = _untranslated(entries), _mismatched(entries)
    assert not untranslated, f"untranslated or fuzzy messages in {language}: {untranslated}"
    assert not mismatched, f"placeholders or markup changed in {language}: {mismatched}"
    checked = subprocess.run(
        ["msgfmt", "--check-format", "-o", os.devnull, str(path)], capture_output=True, text=True
    )  # gettext's own check: a "80 % de" where the English is python-format would not compile
    assert checked.returncode == 0, f"{language}: {checked.stderr}"
    compiled = gettext.GNUTranslations((path.parent / "django.mo").open("rb"))

    def shown(e) -> str:  # what the compiled catalogue answers for an entry, its context included
        if e.msgctxt:
            if e.msgid_plural:
                return compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
            return compiled.pgettext(e.msgctxt, e.msgid)
        return compiled.ngettext(e.msgid, e.msgid_plural, 1) if e.msgid_plural else compiled.gettext(e.msgid)

    stale = [e.msgid for e in entries if shown(e) != e.msgstrs[0]]
    assert not stale, f"{language}: django.mo is older than django.po (run make messages): {stale[:5]}"


def test_the_checks_catch_what_they_are_for():
    """The placeholder and markup check refuses a lost, renamed or added placeholder, a lost tag and a bare %."""
    good = Entry("Hello %(name)s, <b>%(n)s</b> items", "", ["Hallo %(name)s, <b>%(n)s</b> Artikel"], False)
    bad = [
        Entry("Hello %(name)s", "", ["Hallo"], False),
        Entry("Hello %(name)s", "", ["Hallo %(nom)s"], False),
        Entry("Hello", "", ["Hallo %(name)s"], False),
        Entry("<b>Hello</b>", "", ["Hallo"], False),
        Entry("80 %% or more", "", ["80 % oder mehr"], False),
        Entry("%(n)s item", "%(n)s items", ["%(n)s Artikel", "Artikel"], False),
        Entry("Hello {name}", "", ["Hallo {nom}"], False),
    ]
    assert _mismatched([good]) == []
    assert len(_mismatched(bad)) == len(bad)
    assert _untranslated([Entry("Hello", "", [""], False), Entry("Hi", "", ["Salut"], True)]) == ["Hello", "Hi"]


def test_no_message_is_marked_inside_an_f_string():
    """xgettext does not look inside f-strings: a `gettext(...)` there is never extracted, so never translated
    (the product page's "Why this offer" stayed English on the French site)."""
    import ast

    marks = {"_", "gettext", "ngettext", "pgettext", "gettext_lazy", "ngettext_lazy", "pgettext_lazy"}
    found = []
    for path in sorted((LOCALE.parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in marks:
                        found.append(f"{path.relative_to(LOCALE.parent.parent)}:{inner.lineno}")
    assert not found, f"messages marked inside f-strings (write gettext('... %(x)s') % {{...}}): {found}"


def test_every_marked_message_is_in_every_shipped_catalogue(tmp_path):
    """Extracting the messages again (as `make messages` does, on a copy of the package) finds none that a
    shipped catalogue lacks: a string marked in code or a template but never added to a django.po is caught here,
    not by a visitor reading English on their country site."""
    package = Path(__file__).resolve().parents[1] / "remarket"
    copy = tmp_path / "remarket"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    languages = [arg for code in SHIPPED for arg in ("-l", code)]
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", *languages, "--settings=remarket.settings.test"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    missing = {
        language: untranslated
        for language in SHIPPED
        if (
            untranslated := _untranslated(
                _entries((copy / "locale" / language / "LC_MESSAGES" / "django.po").read_text())
            )
        )
    }
    assert not missing, f"marked but not translated (add them to django.po, make messages): {missing}"
