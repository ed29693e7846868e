#!/usr/bin/env python3
"""Times the peers a user would pick on the same current page bodies `make bench` converts (scripts/bench.sh):
cfxmark and markdownify in process, pandoc (one process over all bodies) when installed. Input: the JSON lines of
`confluence-km preview EXPORT --all --storage --format json` (extracted once, outside the timing). Prints one
Markdown table row per peer: name, version, pages, failures, seconds, pages/s."""
import importlib.metadata
import json
import shutil
import subprocess
import sys
import time


def bodies(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["storage"] for line in f if line.strip()]


def timed(convert, pages):
    failures = 0
    start = time.perf_counter()
    for p in pages:
        try:
            convert(p)
        except Exception:
            failures += 1
    return time.perf_counter() - start, failures


def main():
    pages = bodies(sys.argv[1])
    rows = []
    try:
        import cfxmark
        rows.append(("cfxmark", importlib.metadata.version("cfxmark"), *timed(cfxmark.to_md, pages)))
    except ImportError:
        pass
    try:
        import markdownify
        rows.append(("markdownify", importlib.metadata.version("markdownify"), *timed(markdownify.markdownify, pages)))
    except ImportError:
        pass
    if shutil.which("pandoc"):
        version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1]
        html = "\n<hr/>\n".join(pages)
        start = time.perf_counter()
        r = subprocess.run(["pandoc", "-f", "html", "-t", "gfm"], input=html, capture_output=True, text=True)
        rows.append(("pandoc (one process, all bodies)", version, time.perf_counter() - start, 0 if r.returncode == 0 else len(pages)))
    for name, version, seconds, failures in rows:
        print(f"| {name} | {version} | {len(pages)} | {failures} | {seconds:.2f} | {len(pages) / seconds:.0f} |")


if __name__ == "__main__":
    main()
