"""The README's emlib examples run, and print what the README says they print."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE = re.compile(r"```python\n(?P<code>.*?)```\n(?:\nIt prints:\n\n```text\n(?P<shown>.*?)```\n)?", re.S)


def printed_and_shown(text: str) -> list[tuple[str, str]]:
    """Run each Python block of ``text``: what it prints, and the "It prints:" block after it ("" if none)."""
    pairs = []
    for example in EXAMPLE.finditer(text):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(example["code"], str(README), "exec"), {})
        pairs.append((printed.getvalue(), example["shown"] or ""))
    return pairs


def test_every_example_prints_what_the_readme_shows():
    pairs = printed_and_shown(README.read_text())
    assert len(pairs) >= 4, "the README shows fewer Python examples than expected"
    for printed, shown in pairs:
        assert printed == shown


def test_the_check_sees_a_wrong_number_and_an_unshown_print():
    wrong = "```python\nprint(0.8)\n```\n\nIt prints:\n\n```text\n0.7\n```\n"
    unshown = "```python\nprint(0.8)\n```\n\nSome prose.\n"
    assert printed_and_shown(wrong) == [("0.8\n", "0.7\n")]
    assert printed_and_shown(unshown) == [("0.8\n", "")]
