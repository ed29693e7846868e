#!/usr/bin/env python3
"""Side-by-side construct survival: confluence-km vs cfxmark and markdownify, on the same current pages.

  python3 -m venv /tmp/peers && /tmp/peers/bin/pip install cfxmark markdownify
  /tmp/peers/bin/python scripts/compare-peers.py BIN EXPORT.zip [EXPORT.zip …]

For every page: the storage source's headings, tables, code blocks (and their language), images, links, tasks, panels
and expands are counted, and each tool's Markdown is rendered with cmark-gfm and counted the same way. Prints the
share of constructs each tool keeps.
"""
import json
import re
import subprocess
import sys

import cfxmark
import markdownify

BIN, EXPORTS = sys.argv[1], sys.argv[2:]
PANELS = ("info", "note", "warning", "tip", "panel", "success", "error", "alert", "auimessage", "aui-message")


def source_counts(storage):
    s = storage
    macros = re.findall(r'<ac:(?:structured-)?macro\b[^>]*?ac:name="([^"]+)"', s)
    return {
        "headings": len(re.findall(r"<h[1-6][\s>]", s)),
        "tables": len(re.findall(r"<table[\s>]", s)),
        "code blocks": sum(1 for m in macros if m in ("code", "noformat")),
        "code languages": len(re.findall(r'<ac:parameter ac:name="language">', s)),
        "images": len(re.findall(r"<ac:image[\s>]|<img[\s>]", s)),
        "links": len(re.findall(r"<ac:link[\s>]", s)) - len(re.findall(r"<ac:link[^>]*>\s*<ri:user", s)) + len(re.findall(r"<a\s[^>]*href=", s)),
        "tasks": len(re.findall(r"<ac:task>", s)),
        "panels": sum(1 for m in macros if m in PANELS),
        "expands": sum(1 for m in macros if m in ("expand", "ui-expand")),
        "footnotes": sum(1 for m in macros if m in ("cfm-footnote", "footnote")),
    }


def html_counts(html):
    return {
        "headings": len(re.findall(r"<h[1-6][\s>]", html)),
        "tables": len(re.findall(r"<table[\s>]", html)),
        "code blocks": len(re.findall(r"<pre[\s>]", html)),
        "code languages": len(re.findall(r'<code class="language-', html)),
        "images": len(re.findall(r"<img[\s>]", html)),
        "links": len(re.findall(r"<a\s[^>]*href=", html)),
        "tasks": len(re.findall(r'type="checkbox"', html)),
        "panels": len(re.findall(r"<blockquote[\s>]", html)),
        "expands": len(re.findall(r"<details[\s>]", html)),
        "footnotes": len(re.findall(r'class="footnote-ref"|\[\^\d+\]', html)),
    }


def cmark(md):
    return subprocess.run(["cmark-gfm", "--unsafe", "-e", "table", "-e", "tasklist", "-e", "strikethrough", "-e", "autolink"],
                          input=md.encode(), capture_output=True).stdout.decode()


tools = {
    "confluence-km": lambda page: page["markdown"],
    "cfxmark": lambda page: cfxmark.to_md(page["storage"]) if hasattr(cfxmark, "to_md") else "",
    "markdownify": lambda page: markdownify.markdownify(page["storage"]),
}
totals = {t: {} for t in tools}
expected = {}
for export in EXPORTS:
    out = subprocess.run([BIN, "preview", export, "--all", "--storage", "--format", "json"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        page = json.loads(line)
        src = source_counts(page["storage"] or "")
        for k, v in src.items():
            expected[k] = expected.get(k, 0) + v
        for name, fn in tools.items():
            try:
                md = fn(page)
                md = md if isinstance(md, str) else getattr(md, "markdown", str(md))
            except Exception:
                md = ""
            got = html_counts(cmark(md))
            for k, v in src.items():
                totals[name][k] = totals[name].get(k, 0) + min(v, got[k])
keys = [k for k in expected if expected[k] > 0]
print("| construct | in source | " + " | ".join(tools) + " |")
print("| --- | --- | " + " | ".join("---" for _ in tools) + " |")
for k in keys:
    print(f"| {k} | {expected[k]} | " + " | ".join(f"{totals[t][k]} ({100 * totals[t][k] / expected[k]:.0f}%)" for t in tools) + " |")
all_expected = sum(expected[k] for k in keys)
print("| **all** | " + str(all_expected) + " | " + " | ".join(f"**{100 * sum(totals[t][k] for k in keys) / all_expected:.0f}%**" for t in tools) + " |")
