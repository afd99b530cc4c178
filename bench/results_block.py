"""Writing one benchmark's figures into bench/RESULTS.md: its block between its own markers is replaced by the
latest run; hand-written notes around it stay. Shared by bench/checkout.py and bench/listings_import.py."""

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def record(name: str, heading: str, section: str) -> None:
    """Replace the previous run's block `name` (under `## heading`), or add the heading and block at the end the
    first time."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = RESULTS.read_text(encoding="utf-8")
    block = f"{start}{section}{end}\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) + 1 :]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n" + block
    RESULTS.write_text(text, encoding="utf-8")
