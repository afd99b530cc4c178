"""Type-check `remarket` with mypy (pyproject's [tool.mypy]: django-stubs on the test settings) and hold the line.

- Every package but the interfaces, the demo builder and the settings (`BASELINED`) must have no error at all:
  the domains and `core`, and any package added later.
- The baselined packages may keep the errors listed in `tools/mypy-baseline.txt`, counted per file, error code
  and message (line numbers left out, so an edit above an error does not move it). A new error fails; so does
  an entry of the baseline that no longer occurs, with a request to run `--update`: the file only shrinks.

    .venv/bin/python tools/mypy_check.py            # what `make lint` and the pre-commit hook run
    .venv/bin/python tools/mypy_check.py --update   # rewrite the baseline after fixing some of its errors

Exit status: 0 clean, 1 errors found or baseline out of date, 2 mypy could not run."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tools" / "mypy-baseline.txt"
# the only packages a baseline may cover: interfaces, the demo builder, the settings
BASELINED = ("api", "cli", "demo", "settings", "web")
_ERROR = re.compile(
    r"^(?P<path>[^:\s]+\.pyi?):(?P<line>\d+)(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
_LINE_REFERENCE = re.compile(r"\bline \d+\b")
_HEADER = (
    "# mypy errors the interfaces, the demo builder and the settings still have: count, file, [code] message.\n"
    "# This file only shrinks: fix an error, then run `.venv/bin/python tools/mypy_check.py --update`.\n"
)


def baselined(path: str) -> bool:
    """Whether an error in `path` (relative to the repository) may be kept in the baseline."""
    parts = Path(path).parts
    return len(parts) > 2 and parts[0] == "remarket" and parts[1] in BASELINED


def parse(output: str) -> list[tuple[str, str, str, int]]:
    """mypy's error lines as (path, code, message, line); notes and the summary are left out."""
    errors = []
    for text in output.splitlines():
        match = _ERROR.match(text.strip())
        if match:
            path = match["path"].replace("\\", "/")
            message = _LINE_REFERENCE.sub("line N", match["message"].strip())
            errors.append((path, match["code"] or "misc", message, int(match["line"])))
    return errors


def key(path: str, code: str, message: str) -> str:
    return f"{path}\t[{code}] {message}"


def baseline_read(path: Path = BASELINE) -> Counter[str]:
    counts: Counter[str] = Counter()
    if not path.exists():
        return counts
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.strip() or text.startswith("#"):
            continue
        count, rest = text.split("\t", 1)
        counts[rest] += int(count)
    return counts


def baseline_text(counts: Counter[str]) -> str:
    return _HEADER + "".join(f"{n}\t{k}\n" for k, n in sorted(counts.items()))


def compare(errors: list[tuple[str, str, str, int]], baseline: Counter[str]) -> tuple[list[str], list[str], list[str]]:
    """(errors where none is allowed, errors beyond the baseline, baseline entries that are gone), each as text."""
    strict = [f"{p}:{line}: [{c}] {m}" for p, c, m, line in errors if not baselined(p)]
    current = Counter(key(p, c, m) for p, c, m, _ in errors if baselined(p))
    new = []
    for p, c, m, line in errors:
        if baselined(p) and current[key(p, c, m)] > baseline[key(p, c, m)]:
            new.append(f"{p}:{line}: [{c}] {m}")
    gone = [f"{k} (listed {baseline[k]}, found {current[k]})" for k in sorted(baseline) if current[k] < baseline[k]]
    return strict, new, gone


def mypy_run() -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--show-error-codes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the baseline from this run")
    args = parser.parse_args(argv)
    status, output = mypy_run()
    errors = parse(output)
    if status not in (0, 1) or (status == 1 and not errors):
        print(output, file=sys.stderr)
        print("mypy did not run to the end (above).", file=sys.stderr)
        return 2
    baseline = baseline_read()
    strict, new, gone = compare(errors, baseline)
    if args.update:
        BASELINE.write_text(
            baseline_text(Counter(key(p, c, m) for p, c, m, _ in errors if baselined(p))), encoding="utf-8"
        )
        new, gone = [], []
        print(f"{BASELINE.relative_to(ROOT)} rewritten.")
    for title, lines in (
        (f"Type errors where none is allowed (every package but {', '.join(BASELINED)}):", strict),
        (f"New type errors (not in {BASELINE.relative_to(ROOT)}):", new),
        (
            "The baseline lists errors that are gone; run `.venv/bin/python tools/mypy_check.py --update` "
            "and commit the shorter baseline:",
            gone,
        ),
    ):
        if lines:
            print(title, *(f"  {line}" for line in lines), sep="\n", file=sys.stderr)
    if strict or new or gone:
        return 1
    print(f"mypy: no error outside the baseline ({sum(baseline_read().values())} baselined).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
