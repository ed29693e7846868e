#!/usr/bin/env python3
"""Seeds the fuzz corpora from Fixtures/ and the spec files: bodies, entities.xml files, and zipped exports.

  fuzz-seeds.py CORPUSDIR
"""
import glob
import io
import os
import re
import sys
import tarfile
import zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
for d in ("body", "wiki", "entities", "archive", "url", "apply", "preview"):
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
    # The same files as a tar: the archive target also unpacks its input as a bundle archive.
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w") as t:
        for dirpath, _, files in os.walk(folder):
            for f in sorted(files):
                full = os.path.join(dirpath, f)
                t.add(full, os.path.relpath(full, folder), recursive=False)
    if tbuf.tell() < 1 << 20:
        open(os.path.join(out, "archive", name + ".tar"), "wb").write(tbuf.getvalue())

# URLs: every href/src/ri:value of the spec files, and the known tricks.
urls = set()
for spec in sorted(glob.glob(os.path.join(root, "Tests/ConfluenceKMTests/Specs/*.spec"))):
    urls.update(re.findall(r'(?:href|src|ri:value)="([^"]*)"', open(spec, encoding="utf-8").read()))
urls.update(["javascript&#58;alert(1)", "java&#115;cript:x", "https://e.com/?a=1&b=2", "&colon;", "//evil", "#top", "a%20b.md"])
for i, u in enumerate(sorted(urls)):
    open(os.path.join(out, "url", f"u{i:04d}"), "w", encoding="utf-8").write(u)
# Deltas: well-formed ones against the fuzz target's small bundle (its manifest's hash is computed the same way).
import hashlib
md = b"# A\n"
manifest = ('{"export":{"descriptor":{}},"files":[{"bytes":4,"path":"articles/S/a.md","sha256":"%s"}],"formatVersion":1,'
            '"tool":{"name":"confluence-km","version":"0"}}' % hashlib.sha256(md).hexdigest()).encode()
h = hashlib.sha256(manifest).hexdigest()
for i, (added, changed, deleted) in enumerate([([], ["articles/S/a.md"], []), (["../x"], [], []), ([], [], ["articles/S/a.md"]),
                                              (["articles/S/b.md"], [], []), ([], ["../../victim/data.txt"], [])]):
    d = '{"base":"%s","target":"%s","added":%s,"changed":%s,"deleted":%s}' % (h, h, added, changed, deleted)
    open(os.path.join(out, "apply", f"d{i}"), "w").write(d.replace("'", '"'))
# Preview: article metadata, a NUL, Markdown.
for i, (meta, body) in enumerate([
        ('{"id":"1","type":"page","title":"A","spaceKey":"S","markdown":"articles/S/a.md","parentId":null}', "# A\n[b](b.md)"),
        ('{"id":"","type":"page","title":"<b>","spaceKey":"S","markdown":"../x.md","parentId":""}', "<script>x</script>"),
        ('{"id":"2","type":"page","title":"L","spaceKey":"S","markdown":"articles/S/a.md","parentId":"2"}', "![i](../../attachments/x)")]):
    open(os.path.join(out, "preview", f"p{i}"), "wb").write(meta.encode() + b"\0" + body.encode())
# Wiki markup: every construct the reader knows, and the runs that once took it quadratic time.
WIKI = ["h1. Title\n* a\n** b\n# c\n||h1||h2||\n|a|b|\n{code:java}x{code}\n{info}box{info}\nbq. q\n[link|http://x]\n!img.png!\n*b* _i_ -s- +u+ {{m}}\\\\",
        "[" * 300, "{" * 300, "||" * 300, "[a|" * 300, "{x}y\n" * 100, "*a " * 200, "text {jdbc:password=x|user=y} text"]
for i, w in enumerate(WIKI):
    open(os.path.join(out, "wiki", f"wiki-{i:02d}"), "w", encoding="utf-8").write(w)

