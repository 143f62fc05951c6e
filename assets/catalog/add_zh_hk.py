"""Fill in the missing zh_HK (Traditional Chinese, Hong Kong) strings of the catalog.

Authors write ``zh_CN`` and ``en``; this tool adds ``zh_HK`` next to every text that
lacks one, converted with OpenCC's ``s2hk`` profile (Simplified -> Traditional with Hong
Kong variants), and leaves existing ``zh_HK`` lines alone so a reviewer's correction is
never overwritten. It edits the files line by line, keeping comments and layout.

Run it once after editing (``pip install opencc``; it is an authoring tool, not a
dependency of the booth or the hub): ``python assets/catalog/add_zh_hk.py``. Loading
the catalog then fails with ``missing translation zh_HK`` if someone forgot to.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Protocol



class Converter(Protocol):
    def convert(self, text: str) -> str: ...


KEY_RE = re.compile(r"^(\s*)(zh_CN|en|zh_HK):\s*(.*)$")
# A one-line text without zh_HK: {zh_CN: ..., en: ...}
FLOW_RE = re.compile(r"\{zh_CN: ([^,{}]+), en: ((?:(?!zh_HK:)[^{}])+?)\}")


def convert_file(path: Path, converter: Converter) -> int:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=False)
    out: list[str] = []
    added = 0
    i = 0
    while i < len(lines):
        match = KEY_RE.match(lines[i])
        if match is None or match.group(2) != "zh_CN":
            flow = FLOW_RE.sub(
                lambda m: f"{{zh_CN: {m.group(1)}, en: {m.group(2)}, "
                f"zh_HK: {converter.convert(m.group(1))}}}",
                lines[i],
            )
            added += flow != lines[i]
            out.append(flow)
            i += 1
            continue
        indent, source = match.group(1), match.group(3)
        block = [lines[i]]
        j = i + 1
        while j < len(lines) and (m := KEY_RE.match(lines[j])) and m.group(1) == indent:
            block.append(lines[j])
            j += 1
        out += block
        langs = {m.group(2) for b in block if (m := KEY_RE.match(b)) is not None}
        if "zh_HK" not in langs:
            out.append(f"{indent}zh_HK: {converter.convert(source)}")
            added += 1
        i = j
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return added


def main() -> int:
    import opencc  # an authoring tool's dependency, not the booth's

    root = Path(__file__).resolve().parent
    converter = opencc.OpenCC("s2hk")
    for path in [root / "catalog.yaml", *sorted((root / "services").glob("*.yaml"))]:
        added = convert_file(path, converter)
        print(f"{path.relative_to(root)}: {added} zh_HK strings added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
