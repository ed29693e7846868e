#!/usr/bin/env python3
"""Writes the hostile and broken exports of Fixtures/hostile/ into OUTDIR (they are generated at test time, since
several cannot be made by ordinary tools: traversal names, links, bombs, invalid UTF-8).

  make-hostile.py OUTDIR
"""
import os
import subprocess
import sys
import unicodedata
import zipfile

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
STAMP = (2024, 1, 1, 0, 0, 0)
DESCRIPTOR = "exportType=space\nspaceKey=HOST\nbuildNumber=8804\nbackupAttachments=true\n"


def page(pid, title, body, extra="", raw_title=False):
    t = title if raw_title else f"<![CDATA[{title}]]>"
    return (f'<object class="Page" package="com.atlassian.confluence.pages"><id name="id">{pid}</id>'
            f'<property name="title">{t}</property><property name="version">1</property>'
            f'<property name="creationDate">2024-01-01 00:00:00.000</property><property name="lastModificationDate">2024-01-01 00:00:00.000</property>'
            f'<property name="contentStatus"><![CDATA[current]]></property>{extra}'
            f'<property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">1</id></property></object>\n'
            f'<object class="BodyContent" package="com.atlassian.confluence.core"><id name="id">{pid + 100000}</id>'
            f'<property name="body"><![CDATA[{body}]]></property><property name="bodyType">2</property>'
            f'<property name="content" class="Page" package="com.atlassian.confluence.pages"><id name="id">{pid}</id></property></object>\n')


def attachment(aid, pid, name):
    return (f'<object class="Attachment" package="com.atlassian.confluence.pages"><id name="id">{aid}</id>'
            f'<property name="title"><![CDATA[{name}]]></property><property name="version">1</property>'
            f'<property name="contentStatus"><![CDATA[current]]></property>'
            f'<property name="containerContent" class="Page" package="com.atlassian.confluence.pages"><id name="id">{pid}</id></property></object>\n')


SPACE = ('<object class="Space" package="com.atlassian.confluence.spaces"><id name="id">1</id>'
         '<property name="name"><![CDATA[Hostile]]></property><property name="key"><![CDATA[HOST]]></property></object>\n')


def entities(objects, doctype=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype +
            '<hibernate-generic datetime="2024-01-01 00:00:00.000">\n' + SPACE + "".join(objects) + "</hibernate-generic>\n")


def write(name, members):
    """members: (name, bytes, kind) with kind file|symlink|dir."""
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
        for mname, data, kind in members:
            info = zipfile.ZipInfo(mname, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            if kind == "symlink":
                info.create_system = 3
                info.external_attr = (0o120777 << 16)
                info.compress_type = zipfile.ZIP_STORED
            elif kind == "device":
                info.create_system = 3
                info.external_attr = (0o020644 << 16)
            else:
                info.create_system = 3
                info.external_attr = (0o100644 << 16)
            z.writestr(info, data)


base = [page(10, "Home", "<p>Home page.</p>"), attachment(20, 10, "report.txt")]

# Archive entry names that try to leave the bundle, links and devices.
write("traversal.zip", [
    ("exportDescriptor.properties", DESCRIPTOR, "file"),
    ("entities.xml", entities(base), "file"),
    ("attachments/10/20/1", b"the real report\n", "file"),
    ("../evil.txt", b"escaped\n", "file"),
    ("/tmp/ckm-abs-evil.txt", b"absolute\n", "file"),
    ("attachments\\10\\20\\..\\..\\evil.txt", b"backslash\n", "file"),
    ("attachments/10/../../../../evil2.txt", b"dots\n", "file"),
    ("attachments/10/20/2", b"/etc/passwd", "symlink"),
    ("attachments/10/21/1", b"", "device"),
    ("attachments/10/20/1", b"a duplicate that must not win\n", "file"),
])
# Names with a NUL byte and with bytes that are not UTF-8: zipfile cannot write them, so placeholders are patched.
data = bytearray(open(os.path.join(OUT, "traversal.zip"), "rb").read())
with zipfile.ZipFile(os.path.join(OUT, "traversal.zip"), "a", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("attachments/10/20/NULxname", STAMP), b"nul\n")
    z.writestr(zipfile.ZipInfo("attachments/10/20/BADxbytes", STAMP), b"bad\n")
data = bytearray(open(os.path.join(OUT, "traversal.zip"), "rb").read())
data = data.replace(b"NULxname", b"NUL\x00name").replace(b"BADxbytes", b"BAD\xff\xfeytes")
open(os.path.join(OUT, "traversal.zip"), "wb").write(bytes(data))
# The current version's file is a symlink to /etc/passwd: never followed, the attachment is reported missing.
write("symlink.zip", [
    ("exportDescriptor.properties", DESCRIPTOR, "file"),
    ("entities.xml", entities(base), "file"),
    ("attachments/10/20/1", b"/etc/passwd", "symlink"),
])
write("entities-symlink.zip", [
    ("exportDescriptor.properties", DESCRIPTOR, "file"),
    ("entities.xml", b"/etc/passwd", "symlink"),
])
write("duplicate-entities.zip", [
    ("exportDescriptor.properties", DESCRIPTOR, "file"),
    ("entities.xml", entities(base), "file"),
    ("entities.xml", entities([page(11, "Other", "<p>x</p>")]), "file"),
])
# A zip bomb: 60 MB of zeros deflate about 1000:1.
write("bomb.zip", [
    ("exportDescriptor.properties", DESCRIPTOR, "file"),
    ("entities.xml", entities(base), "file"),
    ("attachments/10/20/1", bytes(60 << 20), "file"),
])
# XXE and billion laughs in entities.xml (DTD) and in a body.
lol = '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' \
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">' \
      '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">' \
      '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
doctype = f'<!DOCTYPE hibernate-generic [<!ENTITY xxe SYSTEM "file:///etc/passwd">{lol}]>\n'
xxe_objects = [
    page(10, "Home &xxe; &lol5;", "<p>Home page.</p>", raw_title=True),
    page(11, "Body attack", '<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">' + lol + ']><p>&xxe;&lol5;</p><p>after</p>'),
    page(12, "Remote", '<p><img src="file:///etc/passwd" /><a href="file:///etc/shadow">x</a> ok</p>'),
]
write("xxe.zip", [("exportDescriptor.properties", DESCRIPTOR, "file"), ("entities.xml", entities(xxe_objects, doctype), "file")])
# The same attacks with entities.xml declaring nothing: only the body's own DTD and file: URLs remain.
write("xxe-body.zip", [("exportDescriptor.properties", DESCRIPTOR, "file"), ("entities.xml", entities([
    page(10, "Home", "<p>Home page.</p>"), xxe_objects[1], xxe_objects[2]]), "file")])
# Invalid UTF-8 inside one page's body; the other page is untouched.
bad = entities([page(10, "Home", "<p>Home page.</p>"), page(11, "Broken bytes", "<p>caf\udcff\udcfe end</p>")])
write("invalid-utf8.zip", [("exportDescriptor.properties", DESCRIPTOR, "file"),
                           ("entities.xml", bad.encode("utf-8", "surrogateescape"), "file")])
# Deep nesting in a body.
deep = "<ul><li>" * 3000 + "deep text" + "</li></ul>" * 3000
write("deep.zip", [("exportDescriptor.properties", DESCRIPTOR, "file"),
                   ("entities.xml", entities([page(10, "Deep", deep), page(11, "Divs", "<div>" * 5000 + "x" + "</div>" * 5000)]), "file")])
# Titles and attachment names that would clash or escape on some filesystem.
nfc, nfd = unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café")
names = [page(10, "CON", "<p>reserved</p>"), page(11, ".hidden", "<p>dot</p>"), page(12, "T" * 400, "<p>long</p>"),
         page(13, nfc, "<p>nfc</p>"), page(14, nfd, "<p>nfd</p>"), page(15, "../../etc", "<p>dots</p>"),
         page(16, "café", "<p>lower</p>"),
         attachment(30, 10, ".."), attachment(31, 10, ".htaccess"), attachment(32, 10, "a/b.txt"),
         attachment(33, 10, "AUX.txt"), attachment(34, 10, "Report.PDF"), attachment(35, 10, "report.pdf"),
         attachment(36, 10, "x" * 300 + ".txt")]
members = [("exportDescriptor.properties", DESCRIPTOR, "file"), ("entities.xml", entities(names), "file")]
for aid in range(30, 37):
    members.append((f"attachments/10/{aid}/1", f"attachment {aid}\n".encode(), "file"))
write("names.zip", members)
# A corrupt entry in the middle: bytes of entities.xml's compressed data flipped.
path = os.path.join(OUT, "corrupt-middle.zip")
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("exportDescriptor.properties", STAMP), DESCRIPTOR)
    z.writestr(zipfile.ZipInfo("entities.xml", STAMP), entities([page(i, f"Page {i}", "<p>" + "text " * 200 + "</p>") for i in range(10, 60)]))
    z.writestr(zipfile.ZipInfo("attachments/10/20/1", STAMP), b"x" * 1000)
data = bytearray(open(path, "rb").read())
start = data.find(b"entities.xml") + 200
for i in range(start, start + 64):
    data[i] ^= 0x5A
open(path, "wb").write(bytes(data))
# An encrypted entities.xml (zip -P).
enc_dir = os.path.join(OUT, "enc-src")
os.makedirs(enc_dir, exist_ok=True)
open(os.path.join(enc_dir, "entities.xml"), "w").write(entities(base))
open(os.path.join(enc_dir, "exportDescriptor.properties"), "w").write(DESCRIPTOR)
enc = os.path.join(OUT, "encrypted.zip")
if os.path.exists(enc):
    os.remove(enc)
subprocess.run(["zip", "-qX", "-P", "secret", enc, "entities.xml", "exportDescriptor.properties"], cwd=enc_dir, check=True)
