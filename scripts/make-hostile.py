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
import zlib

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

# ---- Round 2 (issue: hostile exports, round 2) -------------------------------------------------------------------


def obj(cls, oid, props, package="com.atlassian.confluence.pages"):
    return f'<object class="{cls}" package="{package}"><id name="id">{oid}</id>{props}</object>\n'


def ref(name, cls, oid, package="com.atlassian.confluence.pages"):
    return f'<property name="{name}" class="{cls}" package="{package}"><id name="id">{oid}</id></property>'


def prop(name, value):
    return f'<property name="{name}"><![CDATA[{value}]]></property>'


def page2(pid, title, body, space="1", extra="", body_id=None):
    """A page whose id may be any string (the body's id is derived from it)."""
    bid = body_id or f"b{zlib.crc32(pid.encode())}"
    return (obj("Page", pid, prop("title", title) + '<property name="version">1</property>'
                + '<property name="creationDate">2024-01-01 00:00:00.000</property>'
                + '<property name="lastModificationDate">2024-01-01 00:00:00.000</property>'
                + prop("contentStatus", "current") + extra
                + ref("space", "Space", space, "com.atlassian.confluence.spaces"))
            + obj("BodyContent", bid, prop("body", body) + '<property name="bodyType">2</property>'
                  + ref("content", "Page", pid), "com.atlassian.confluence.core"))


def zipped(name, objects, doctype="", extra_members=(), space=SPACE):
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + '<hibernate-generic datetime="2024-01-01 00:00:00.000">\n'
           + space + "".join(objects) + "</hibernate-generic>\n")
    write(name, [("exportDescriptor.properties", DESCRIPTOR, "file"), ("entities.xml", xml, "file")] + list(extra_members))


# Ids that would be paths: an emoji-only title (slug from the id), a clash (suffix from the id), a space whose key is
# empty (folder from its id), an attachment with no name.
EVIL = "1/../../../../escape-ids/pwned"
ids_space = ('<object class="Space" package="com.atlassian.confluence.spaces"><id name="id">2/../../escape-ids/space</id>'
             '<property name="name"><![CDATA[No key]]></property><property name="key"><![CDATA[]]></property></object>\n')
zipped("ids.zip", [
    page2(EVIL, "🎉🎉", "<p>emoji title</p>", space="2/../../escape-ids/space"),
    page2("10", "Same", "<p>first</p>", space="2/../../escape-ids/space"),
    page2("11/../../../escape-ids/clash", "Same", "<p>second</p>", space="2/../../escape-ids/space"),
    obj("Attachment", "../../escape-ids/att", prop("title", "") + '<property name="version">1</property>'
        + prop("contentStatus", "current") + ref("containerContent", "Page", "10")),
], space=ids_space, extra_members=[("attachments/10/../../escape-ids/att/1", b"x", "file")])

# Permissions that failed open. The space is open (VIEWSPACE with no subject: anonymous); page 12 is restricted by
# one View set whose form the tool must not misread.
OPEN = obj("SpacePermission", "900", prop("type", "VIEWSPACE") + ref("space", "Space", "1", "com.atlassian.confluence.spaces"),
           "com.atlassian.confluence.security")


def restricted(set_props, entries, extra_objects=()):
    return [OPEN, page2("12", "Secret", "<p>secret</p>")] + [
        obj("ContentPermissionSet", "500", set_props, "com.atlassian.confluence.security")] + [
        obj("ContentPermission", f"60{i}", e, "com.atlassian.confluence.security") for i, e in enumerate(entries)] + list(extra_objects)


SET_REF = '<property name="owningSet" class="ContentPermissionSet" package="com.atlassian.confluence.security"><id name="id">500</id></property>'
OWNER = ref("owningContent", "Page", "12")
ALICE = prop("userName", "alice")
for name, set_props, entries, extra in [
    ("perm-type-space", prop("type", " View") + OWNER, [prop("type", "View") + ALICE + SET_REF], []),
    ("perm-type-newline", prop("type", "View\n") + OWNER, [prop("type", "View") + ALICE + SET_REF], []),
    ("perm-type-read", prop("type", "Read") + OWNER, [ALICE + SET_REF], []),
    ("perm-edit-reuses-id", prop("type", "View") + OWNER, [prop("type", "View") + ALICE + SET_REF],
     [obj("ContentPermissionSet", "500", prop("type", "Edit") + OWNER, "com.atlassian.confluence.security")]),
    ("perm-owner-text", prop("type", "View") + prop("owningContent", "12"), [prop("type", "View") + ALICE + SET_REF], []),
    ("perm-subject-unknown", prop("type", "View") + OWNER, [prop("type", "View") + prop("principal", "admins") + SET_REF], []),
    ("perm-entry-without-set", prop("type", "View") + OWNER,
     [prop("type", "View") + ALICE + '<property name="owningSet" class="ContentPermissionSet" package="com.atlassian.confluence.security"><id name="id">777</id></property>'], []),
]:
    zipped(name + ".zip", restricted(set_props, entries, extra))
# A space permission whose subject is in a property the tool does not read: it grants nothing (the old reading
# took it for anonymous and opened the space).
zipped("perm-space-subject-unknown.zip", [
    obj("SpacePermission", "901", prop("type", "VIEWSPACE") + prop("principal", "admins")
        + ref("space", "Space", "1", "com.atlassian.confluence.spaces"), "com.atlassian.confluence.security"),
    page2("12", "Secret", "<p>secret</p>")])

# Terminal escapes: C1 CSI (allowed by XML 1.0) and a right-to-left override in a title and a label.
zipped("terminal.zip", [
    page2("10", "Evil\u009b31mRED\u202etxt.exe", "<p>x</p>"),
    obj("Label", "70", prop("name", "lab\u009b2Jel") + prop("namespace", "global"), "com.atlassian.confluence.labels"),
    obj("Labelling", "71", ref("content", "Page", "10") + ref("label", "Label", "70", "com.atlassian.confluence.labels"),
        "com.atlassian.confluence.labels"),
])

# Numbers that trapped or asked for gigabytes.
zipped("numbers.zip", [
    page2("10", "Numbers", '<ol start="9223372036854775807"><li>a</li></ol>'
          '<table><tbody><tr><td colspan="4000000000" rowspan="4000000000">a</td></tr><tr><td>b</td></tr></tbody></table>')])

# Billion laughs in element content, nine levels (the old reader took minutes; the zip is under 2 KB).
laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
zipped("laughs.zip", [page2("10", "Laughs", "<p>x</p>", extra=prop("labelHint", "") .replace("<![CDATA[]]>", "&l9;"))],
       doctype=f"<!DOCTYPE hibernate-generic [{laughs}]>\n")

# Sizes: a body of 48 MiB (converted with --max-body-bytes 1048576), a title of 24 MiB, a chain of 8,000 pages.
zipped("big-body.zip", [page2("10", "Big", "<p>" + "big body text " * (48 << 16) + "</p>"), page2("11", "Small", "<p>small</p>")])
import random
random.seed(7)
zipped("big-title.zip", [page2("10", "".join(random.choices("abcdefghij klmnopqrstuvwxyz", k=8 << 20)), "<p>x</p>"),
                         page2("11", "Small", "<p>small</p>")])
chain = [page2("1000", "Level 0", "<p>root</p>")]
for i in range(1, 8000):
    chain.append(page2(str(1000 + i), f"Level {i}", "<p>x</p>", extra=ref("parent", "Page", str(1000 + i - 1))))
zipped("chain.zip", chain)
# One page with 40,000 labels (a list checked for repeats label by label was quadratic), and a second page.
LP = "com.atlassian.confluence.labels"
zipped("labels.zip", [page2("4001", "Labelled", "<p>l</p>"), page2("4002", "Plain", "<p>p</p>")]
       + [obj("Label", str(500000 + i), prop("name", f"l{i}") + prop("namespace", "global"), LP)
          + obj("Labelling", str(600000 + i), '<property name="labelableId">4001</property>' + prop("labelableType", "CONTENT")
                + ref("label", "Label", str(500000 + i), LP) + ref("content", "Page", "4001"), LP)
          for i in range(40000)])

# Parents that loop: 3001 → 3002 → 3003 → 3001, a page under the loop, and a page that is its own parent.
zipped("cycle.zip", [
    page2("3001", "Loop A", "<p>a</p>", extra=ref("parent", "Page", "3003")),
    page2("3002", "Loop B", "<p>b</p>", extra=ref("parent", "Page", "3001")),
    page2("3003", "Loop C", "<p>c</p>", extra=ref("parent", "Page", "3002")),
    page2("3004", "Under the loop", "<p>d</p>", extra=ref("parent", "Page", "3002")),
    page2("3005", "Its own parent", "<p>e</p>", extra=ref("parent", "Page", "3005"))])

# A zip64 entry whose declared size is 2^63-1: patched into the central directory and local header of a
# small stored attachment (libarchive reports the declared size; summing it trapped).
path = os.path.join(OUT, "zip64-size.zip")
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
    z.writestr(zipfile.ZipInfo("exportDescriptor.properties", STAMP), DESCRIPTOR)
    z.writestr(zipfile.ZipInfo("entities.xml", STAMP), entities(base))
    info = zipfile.ZipInfo("attachments/10/20/1", STAMP)
    info.file_size = 0
    z.writestr(info, b"the real report\n")
data = bytearray(open(path, "rb").read())
import struct
name = b"attachments/10/20/1"
# Central directory entry: signature PK\1\2; sizes at offset 20 (compressed) and 24 (uncompressed).
cd = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
struct.pack_into("<I", data, cd + 24, 0xFFFFFFFF)
extra_len = struct.unpack_from("<H", data, cd + 30)[0]
name_len = struct.unpack_from("<H", data, cd + 28)[0]
assert extra_len == 0
# Append a zip64 extra field (uncompressed size only) after the name: rebuild the central directory tail.
z64 = struct.pack("<HHQ", 0x0001, 8, (1 << 63) - 1)
insert_at = cd + 46 + name_len
data[insert_at:insert_at] = z64
struct.pack_into("<H", data, cd + 30, len(z64))
eocd = data.rfind(b"PK\x05\x06")
cd_size = struct.unpack_from("<I", data, eocd + 12)[0]
struct.pack_into("<I", data, eocd + 12, cd_size + len(z64))
open(path, "wb").write(bytes(data))

# Characters XML forbids, as real exports hold them: 0x08 in a title, 0x02 and 0x1C in a body, U+FFFF in a label.
zipped("control-chars.zip", [
    page2("10", "Notes from Bob\x08s meeting", "<p>before\x02middle\x1cafter</p>"),
    page2("11", "Clean page", "<p>clean</p>"),
    obj("Label", "70", prop("name", "odd\uffff") + prop("namespace", "global"), "com.atlassian.confluence.labels"),
    obj("Labelling", "71", ref("content", "Page", "11") + ref("label", "Label", "70", "com.atlassian.confluence.labels"),
        "com.atlassian.confluence.labels"),
])

# ---- Round 3 (issue: hostile exports, round 3) -------------------------------------------------------------------


def wiki_page(pid, title, body):
    """A page whose body is old wiki markup (bodyType 0)."""
    return page2(pid, title, body).replace('<property name="bodyType">2</property>', '<property name="bodyType">0</property>')


# Wiki markup that the old reader took quadratic time on: 1 MB each of `[`, `{`, `||`, `[a|` and `h1.` lines.
MB = 1 << 20
zipped("wiki-quadratic.zip", [
    wiki_page("10", "Brackets", "[" * MB),
    wiki_page("11", "Braces", "{" * MB),
    wiki_page("12", "Pipes", "||" * (MB // 2)),
    wiki_page("13", "Open links", "[a|" * (MB // 3)),
    wiki_page("14", "Headings", "h1. x\n" * (MB // 6)),
    wiki_page("15", "Unclosed macros", "{x}y\n" * (MB // 5)),
    wiki_page("16", "Emphasis", "*a " * (MB // 3)),
])


def include(title):
    return (f'<ac:structured-macro ac:name="include"><ac:parameter ac:name="">'
            f'<ac:link><ri:page ri:content-title="{title}" /></ac:link></ac:parameter></ac:structured-macro>')


# Include fan-out: 100 pages, each including the next 15 (15^4 expansions per page at four levels).
zipped("include-fanout.zip", [
    page2(str(5000 + i), f"Fan {i}", f"<p>page {i}</p>" + "".join(include(f"Fan {(i + k) % 100}") for k in range(1, 16)))
    for i in range(100)])

# A table 20,000 columns wide: GFM renderers take minutes on it.
zipped("wide-table.zip", [
    page2("10", "Wide", "<table><tbody><tr>" + "<th>h</th>" * 20000 + "</tr><tr>" + "<td>c</td>" * 20000
          + "</tr></tbody></table>")])

# Two sites whose user keys and group names collide (identity across exports). Site A: key k1 is alice, group
# `team` = {alice}; page 7001 is restricted to group team. Site B: key k1 is mallory, group `team` = {mallory, eve};
# page 7101 is restricted to user key k1 (mallory), and B's space is readable by B's `team`.
SEC = "com.atlassian.confluence.security"
CROWD_G, CROWD_U, CROWD_M = "com.atlassian.crowd.model.group", "com.atlassian.crowd.model.user", "com.atlassian.crowd.embedded.hibernate2"


def site(name, key, space_id, page_id, base, members, restriction):
    space = (f'<object class="Space" package="com.atlassian.confluence.spaces"><id name="id">{space_id}</id>'
             f'<property name="name"><![CDATA[{key}]]></property><property name="key"><![CDATA[{key}]]></property></object>\n')
    objs = [obj("ConfluenceUserImpl", "", "", "com.atlassian.confluence.user").replace('<id name="id"></id>', '<id name="key">k1</id>')
            .replace("</object>", prop("name", members[0]) + "</object>")]
    objs.append(obj("InternalGroup", str(base + 1), prop("name", "team") + '<property name="active">true</property>', CROWD_G))
    for i, m in enumerate(members):
        objs.append(obj("InternalUser", str(base + 10 + i), prop("name", m) + prop("displayName", m.title()), CROWD_U))
        objs.append(obj("HibernateMembership", str(base + 20 + i), ref("parentGroup", "InternalGroup", str(base + 1), CROWD_G)
                        + ref("userMember", "InternalUser", str(base + 10 + i), CROWD_U), CROWD_M))
    objs.append(obj("SpacePermission", str(base + 30), prop("type", "VIEWSPACE") + prop("group", "team")
                    + ref("space", "Space", str(space_id), "com.atlassian.confluence.spaces"), SEC))
    creator = '<property name="creator" class="ConfluenceUserImpl" package="com.atlassian.confluence.user"><id name="key">k1</id></property>'
    objs.append(page2(str(page_id), f"Secret of {key}", f"<p>{key} only</p>", space=str(space_id), extra=creator,
                      body_id=str(page_id + 1)))
    objs.append(obj("ContentPermissionSet", str(base + 40), prop("type", "View") + ref("owningContent", "Page", str(page_id)), SEC))
    subject = (prop("groupName", "team") if restriction == "group" else
               '<property name="userSubject" class="ConfluenceUserImpl" package="com.atlassian.confluence.user"><id name="key">k1</id></property>')
    objs.append(obj("ContentPermission", str(base + 41), prop("type", "View") + subject
                    + ref("owningSet", "ContentPermissionSet", str(base + 40), SEC), SEC))
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<hibernate-generic datetime="2024-01-01 00:00:00.000">\n'
           + space + "".join(objs) + "</hibernate-generic>\n")
    write(name, [("exportDescriptor.properties", DESCRIPTOR.replace("spaceKey=HOST", f"spaceKey={key}"), "file"),
                 ("entities.xml", xml, "file")])


site("ident-a.zip", "A", 71, 7001, 7000, ["alice"], "group")
site("ident-b.zip", "B", 72, 7101, 7100, ["mallory", "eve"], "user")

# Text that each flavour's renderer would read as markup: MkDocs' attr_list, admonitions and details, [TOC];
# Obsidian's wikilinks, embeds, comments, highlights and math; a title with a C1 control (front matter).
FLAVOUR_TEXT = ("<h2>Heading {: autofocus onfocus=alert(1) }</h2>"
                "<p>para {: onclick=alert(2) }</p>"
                "<p>!!! danger \"boxed\"</p><p>??? note \"folded\"</p><p>[TOC]</p>"
                "<table><tbody><tr><th>h {: onmouseover=alert(3) }</th></tr><tr><td>c {#id .cls}</td></tr></tbody></table>"
                "<p>[[Secret page]] ![[embed.png]] %%hidden%% ==marked== $x^2$ and $$y$$</p>"
                '<ac:structured-macro ac:name="info"><ac:parameter ac:name="title">T {: onclick=alert(4) } "q"</ac:parameter>'
                "<ac:rich-text-body><p>in box {: onclick=alert(5) }</p></ac:rich-text-body></ac:structured-macro>")
zipped("flavour-text.zip", [page2("10", "Title \u0080 with C1 \u2028 and \u0085", FLAVOUR_TEXT),
                            page2("11", "Secret page", "<p>s</p>")])

# Secrets the detector missed: an element as a secret parameter's value, short and compound names, a connection
# string, a URL's password, a 4.x default parameter, and an inline wiki-markup macro. Each value is unique, so a
# test can look for it anywhere in the bundle or the preview.
def param(name, value):
    return f'<ac:parameter ac:name="{name}">{value}</ac:parameter>'


SECRET_BODY = ('<ac:structured-macro ac:name="gadget">'
               + param("password", '<ri:user ri:userkey="SECRET-ELEMENT-1" />')
               + param("apiToken", '<ri:url ri:value="https://x.example/SECRET-ELEMENT-2" />')
               + param("pass", "SECRET-PASS-3") + param("pw", "SECRET-PW-4") + param("bearer", "SECRET-BEARER-5")
               + param("cookie", "SECRET-COOKIE-6") + param("private_key", "SECRET-PRIVKEY-7")
               + param("connection", "Server=db;User Id=sa;Password=SECRET-CONN-8;Encrypt=yes")
               + param("url", "https://admin:SECRET-URL-9@db.example.com/x")
               + "</ac:structured-macro>"
               + '<ac:macro ac:name="sql"><ac:default-parameter>password=SECRET-DEFAULT-10</ac:default-parameter>'
               + "<ac:plain-text-body>select 1</ac:plain-text-body></ac:macro>")
zipped("secrets.zip", [page2("10", "Secrets", SECRET_BODY),
                       wiki_page("11", "Wiki secrets", "text {jdbc:password=SECRET-WIKI-11|user=sa} more text\nh1. Next")])

# Space keys that differ only by case, in one export.
def space_obj(sid, key):
    return (f'<object class="Space" package="com.atlassian.confluence.spaces"><id name="id">{sid}</id>'
            f'<property name="name"><![CDATA[{key}]]></property><property name="key"><![CDATA[{key}]]></property></object>\n')


zipped("spacecase.zip", [space_obj(2, "eng"), page2("10", "Home", "<p>x</p>"), page2("11", "Home", "<p>y</p>", space="2")],
       space=space_obj(1, "ENG"))
# A title that is not ASCII (tar and tar.zst outputs crashed on it).
zipped("umlaut.zip", [page2("10", "Überblick", "<p>x</p>")])
# Names that were live YAML in inspect --config-template: a space name and a group name holding a newline and a
# key, and a U+2028 (which made the template invalid YAML).
zipped("template-names.zip", [
    obj("InternalGroup", "801", prop("name", "staff\nkeep-secrets: true\u2028") + '<property name="active">true</property>', CROWD_G),
    obj("SpacePermission", "802", prop("type", "VIEWSPACE") + prop("group", "staff\nkeep-secrets: true\u2028")
        + ref("space", "Space", "1", "com.atlassian.confluence.spaces"), SEC),
    page2("10", "Home", "<p>x</p>")],
    space=SPACE.replace("<![CDATA[Hostile]]>", "<![CDATA[Hostile\npermissions:\n  roles:\n    staff: employees\nkeep-secrets: true]]>"))
# A restriction entry whose set is missing (its page cannot be told), in an open space.
zipped("perm-set-missing.zip", [OPEN, page2("12", "Secret", "<p>secret</p>"),
    obj("ContentPermission", "601", prop("type", "View") + ALICE
        + '<property name="owningSet" class="ContentPermissionSet" package="com.atlassian.confluence.security"><id name="id">777</id></property>', SEC)])
# A space permission whose all-users subject is not one Confluence writes.
zipped("perm-allusers-unknown.zip", [
    obj("SpacePermission", "903", prop("type", "VIEWSPACE") + prop("allUsersSubject", "x")
        + ref("space", "Space", "1", "com.atlassian.confluence.spaces"), SEC),
    page2("12", "Secret", "<p>secret</p>")])
