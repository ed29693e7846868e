#!/usr/bin/env python3
"""Seeds the fuzz corpora from Fixtures/ and the spec files: bodies, entities.xml files, and zipped exports.

  fuzz-seeds.py CORPUSDIR
"""
import glob
import io
import os
import re
import sys
import zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
for d in ("body", "entities", "archive"):
    os.makedirs(os.path.join(out, d), exist_ok=True)
n = 0
for spec in sorted(glob.glob(os.path.join(root, "Tests/ConfluenceKMTests/Specs/*.spec"))):
    for case in open(spec, encoding="utf-8").read().split("\n=== ")[1:]:
        storage = case.split("\n", 1)[1].split("\n~~~~ ", 1)[0]
        n += 1
        open(os.path.join(out, "body", f"spec-{n:04d}"), "w", encoding="utf-8").write(storage)
for ent in sorted(glob.glob(os.path.join(root, "Fixtures/exports/*/entities.xml"))):
    name = os.path.basename(os.path.dirname(ent))
    data = open(ent, "rb").read()
    open(os.path.join(out, "entities", name), "wb").write(data)
    for i, body in enumerate(re.findall(rb'<property name="body"><!\[CDATA\[(.*?)\]\]></property>', data, re.S)):
        open(os.path.join(out, "body", f"{name}-{i:03d}"), "wb").write(body.replace(b"]]]]><![CDATA[>", b"]]>"))
for folder in sorted(glob.glob(os.path.join(root, "Fixtures/exports/*/"))):
    name = os.path.basename(os.path.dirname(folder))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for dirpath, _, files in os.walk(folder):
            for f in sorted(files):
                full = os.path.join(dirpath, f)
                z.write(full, os.path.relpath(full, folder))
    if buf.tell() < 1 << 20:
        open(os.path.join(out, "archive", name + ".zip"), "wb").write(buf.getvalue())
