"""Django's `{# … #}` comment ends at the end of its line: one spread over two lines is printed on the page (the
checkout showed its own note to shoppers). Longer notes use `{% comment %}`."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "remarket"


def test_no_template_comment_spans_lines():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not found, found
