#!/usr/bin/env python3
"""Checks that README.md and examples/snippets agree: every ```cpp block of the README appears
verbatim in a snippet file, and every snippet file is quoted by a block, so the code a reader
copies is the code CI builds and runs.

usage: check_readme.py README.md SNIPPETS_DIR
"""
import pathlib
import re
import sys


def main():
    readme, snippets_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    blocks = re.findall(r"^```cpp\n(.*?)^```$", readme.read_text(), re.S | re.M)
    files = {p.name: p.read_text() for p in sorted(snippets_dir.glob("*.cpp"))}
    problems = []
    for block in blocks:
        if not any(block in text for text in files.values()):
            first = block.splitlines()[0] if block else ""
            problems.append(f"a ```cpp block of {readme.name} (starting '{first}') is in no "
                            f"{snippets_dir}/*.cpp: copy the file's text into the README")
    for name, text in files.items():
        if not any(block in text for block in blocks):
            problems.append(f"{snippets_dir}/{name} is quoted by no ```cpp block of {readme.name}")
    if not blocks:
        problems.append(f"{readme.name} has no ```cpp block")
    if problems:
        sys.exit("\n".join(problems))


if __name__ == "__main__":
    main()
