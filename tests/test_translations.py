"""Every shipped language is complete: no French message left empty or fuzzy, and the compiled catalogue the
server reads says what the source catalogue says (`make messages` extracts and compiles both)."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "remarket" / "locale"


def _entries(po: str) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) of each live entry of a .po file."""

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
            entries.append((msgid, text(block, "msgstr"), "#, fuzzy" in block or ", fuzzy" in block))
    return entries


def test_the_french_catalogue_is_complete_and_compiled():
    po = (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text()
    entries = _entries(po)
    assert len(entries) > 200
    missing = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert not missing, f"untranslated or fuzzy French messages: {missing}"
    compiled = gettext.GNUTranslations((LOCALE / "fr" / "LC_MESSAGES" / "django.mo").open("rb"))
    stale = [msgid for msgid, strs, _ in entries if "%(n)" not in msgid and compiled.gettext(msgid) != strs[0]]
    assert not stale, f"django.mo is older than django.po (run make messages): {stale[:5]}"


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


def test_every_marked_message_is_in_the_french_catalogue(tmp_path):
    """Extracting the messages again (as `make messages` does, on a copy of the package) finds none that the
    catalogue lacks: a string marked in code or a template but never added to django.po is caught here, not by a
    French visitor reading English."""
    package = Path(__file__).resolve().parents[1] / "remarket"
    copy = tmp_path / "remarket"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--settings=remarket.settings.test"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    missing = [
        msgid
        for msgid, strs, fuzzy in _entries((copy / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text())
        if fuzzy or not all(strs)
    ]
    assert not missing, f"marked but not translated into French (add them to django.po, make messages): {missing}"
