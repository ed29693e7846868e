#!/usr/bin/env python3
"""Deterministic generator of Confluence XML space exports in the real format, for benchmarks and scale tests.

  gen-export.py OUT.zip --pages 3000 --versions 8 --attachment-bytes 2000 [--spaces 1] [--seed 1]

Objects are shuffled; history uses both markers (originalVersion references and originalVersionId values); there are
drafts (status and Draft objects), trash, labels, view restrictions, attachments with versions, and bodies with
headings, tables, code macros, panels, links, images and lists.
"""
import argparse
import random
import zipfile

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<hibernate-generic datetime="2024-01-01 00:00:00.000">\n'
WORDS = ("alpha beta gamma delta server cluster deploy rollback index cache token queue worker backup restore "
         "policy audit network switch firewall latency throughput release review incident ticket owner").split()


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def ref(name, cls, id_, pkg="com.atlassian.confluence.pages"):
    return f'<property name="{name}" class="{cls}" package="{pkg}"><id name="id">{id_}</id></property>\n'


def date(rng, year=2023):
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"


def sentence(rng, n=12):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def body(rng, page, titles, space_key, has_attachment):
    parts = [f"<h2>{sentence(rng, 3)}</h2>", f"<p>{sentence(rng)} <strong>{rng.choice(WORDS)}</strong> {sentence(rng)}</p>"]
    parts.append("<ul>" + "".join(f"<li>{sentence(rng, 5)}</li>" for _ in range(4)) + "</ul>")
    rows = "".join(f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 999)}</td><td>{sentence(rng, 4)}</td></tr>" for _ in range(5))
    parts.append(f"<table><tbody><tr><th>Name</th><th>Count</th><th>Notes</th></tr>{rows}</tbody></table>")
    code = "\n".join(f"def f{i}(x):\n    return x * {i}  # {rng.choice(WORDS)}" for i in range(4))
    parts.append('<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">python</ac:parameter>'
                 f'<ac:plain-text-body>{cdata(code)}</ac:plain-text-body></ac:structured-macro>')
    parts.append(f'<ac:structured-macro ac:name="info"><ac:rich-text-body><p>{sentence(rng)}</p></ac:rich-text-body></ac:structured-macro>')
    target = rng.choice(titles)
    parts.append(f'<p>See <ac:link><ri:page ri:space-key="{space_key}" ri:content-title="{target}" /></ac:link> and '
                 f'<a href="https://example.com/{rng.randint(1, 9999)}">the docs</a>.</p>')
    if has_attachment:
        parts.append(f'<p><ac:image><ri:attachment ri:filename="file-{page}.bin" /></ac:image></p>')
    for _ in range(3):
        parts.append(f"<p>{sentence(rng, 30)}</p>")
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--versions", type=int, default=8, help="historical versions per page")
    ap.add_argument("--attachment-bytes", type=int, default=2000)
    ap.add_argument("--spaces", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    objects = []  # (sort key, xml) – shuffled below
    next_id = [100000]

    def nid():
        next_id[0] += 1
        return next_id[0]

    users = [("8a7f80%010x" % i, f"user{i}") for i in range(20)]
    for key, name in users:
        objects.append(f'<object class="ConfluenceUserImpl" package="com.atlassian.confluence.user">\n<id name="key">{cdata(key)}</id>\n'
                       f'<property name="name">{cdata(name)}</property>\n<property name="lowerName">{cdata(name)}</property>\n</object>\n')
    labels = []
    for i in range(30):
        lid = nid()
        labels.append(lid)
        objects.append(f'<object class="Label" package="com.atlassian.confluence.labels">\n<id name="id">{lid}</id>\n'
                       f'<property name="name">{cdata("label-%d" % i)}</property>\n<property name="namespace">{cdata("global")}</property>\n</object>\n')
    attachments = []  # (page id, attachment id, version, bytes)
    per_space = max(1, a.pages // a.spaces)
    page_no = 0
    for s in range(a.spaces):
        sid = nid()
        skey = f"SP{s}"
        home = None
        titles = [f"Page {s}-{i}" for i in range(per_space)]
        ids = []
        for i in range(per_space):
            pid = nid()
            ids.append(pid)
            if home is None:
                home = pid
            page_no += 1
            parent = ids[rng.randrange(0, len(ids) - 1)] if len(ids) > 1 else None
            creator = rng.choice(users)[0]
            status = "current"
            r = rng.random()
            if r < 0.01:
                status = "deleted"
            elif r < 0.02:
                status = "draft"
            elif r < 0.025:
                status = "archived"
            version = a.versions + 1
            has_att = rng.random() < 0.3
            bid = nid()
            hist_ids = [nid() for _ in range(a.versions)]
            xml = [f'<object class="Page" package="com.atlassian.confluence.pages">\n<id name="id">{pid}</id>\n',
                   f'<property name="title">{cdata(titles[i])}</property>\n',
                   f'<collection name="bodyContents" class="java.util.Collection"><element class="BodyContent" package="com.atlassian.confluence.core"><id name="id">{bid}</id></element></collection>\n',
                   f'<property name="version">{version}</property>\n',
                   f'<property name="creator" class="ConfluenceUserImpl" package="com.atlassian.confluence.user"><id name="key">{cdata(creator)}</id></property>\n',
                   f'<property name="creationDate">{date(rng, 2022)}</property>\n<property name="lastModificationDate">{date(rng, 2023)}</property>\n',
                   f'<property name="contentStatus">{cdata(status)}</property>\n<property name="position">{i}</property>\n',
                   ref("space", "Space", sid, "com.atlassian.confluence.spaces")]
            if parent:
                xml.append(ref("parent", "Page", parent))
            xml.append("</object>\n")
            objects.append("".join(xml))
            objects.append(f'<object class="BodyContent" package="com.atlassian.confluence.core">\n<id name="id">{bid}</id>\n'
                           f'<property name="body">{cdata(body(rng, pid, titles, skey, has_att))}</property>\n'
                           f'<property name="bodyType">2</property>\n{ref("content", "Page", pid)}</object>\n')
            for v, hid in enumerate(hist_ids):
                hb = nid()
                marker = ref("originalVersion", "Page", pid) if v % 2 == 0 else f'<property name="originalVersionId">{pid}</property>\n'
                objects.append(f'<object class="Page" package="com.atlassian.confluence.pages">\n<id name="id">{hid}</id>\n'
                               f'<property name="title">{cdata(titles[i])}</property>\n<property name="version">{v + 1}</property>\n'
                               f'<property name="creationDate">{date(rng, 2021)}</property>\n<property name="lastModificationDate">{date(rng, 2021)}</property>\n'
                               f'{marker}<property name="contentStatus">{cdata("current")}</property>\n</object>\n')
                objects.append(f'<object class="BodyContent" package="com.atlassian.confluence.core">\n<id name="id">{hb}</id>\n'
                               f'<property name="body">{cdata(body(rng, pid, titles, skey, False))}</property>\n'
                               f'<property name="bodyType">2</property>\n{ref("content", "Page", hid)}</object>\n')
            for _ in range(rng.randint(0, 2)):
                lab = rng.choice(labels)
                objects.append(f'<object class="Labelling" package="com.atlassian.confluence.labels">\n<id name="id">{nid()}</id>\n'
                               f'{ref("label", "Label", lab, "com.atlassian.confluence.labels")}{ref("content", "Page", pid)}</object>\n')
            if rng.random() < 0.05:
                ps = nid()
                cp = nid()
                objects.append(f'<object class="ContentPermissionSet" package="com.atlassian.confluence.security">\n<id name="id">{ps}</id>\n'
                               f'<property name="type">{cdata("View")}</property>\n{ref("owningContent", "Page", pid)}</object>\n')
                objects.append(f'<object class="ContentPermission" package="com.atlassian.confluence.security">\n<id name="id">{cp}</id>\n'
                               f'<property name="type">{cdata("View")}</property>\n<property name="groupName">{cdata("staff")}</property>\n'
                               f'{ref("owningSet", "ContentPermissionSet", ps, "com.atlassian.confluence.security")}</object>\n')
            if rng.random() < 0.01:
                objects.append(f'<object class="Draft" package="com.atlassian.confluence.pages">\n<id name="id">{nid()}</id>\n'
                               f'<property name="title">{cdata("Draft " + titles[i])}</property>\n</object>\n')
            if has_att:
                aid = nid()
                versions = rng.randint(1, 3)
                for v in range(1, versions):
                    hid = nid()
                    objects.append(f'<object class="Attachment" package="com.atlassian.confluence.pages">\n<id name="id">{hid}</id>\n'
                                   f'<property name="title">{cdata("file-%d.bin" % pid)}</property>\n<property name="version">{v}</property>\n'
                                   f'<property name="originalVersionId">{aid}</property>\n<property name="contentStatus">{cdata("current")}</property>\n'
                                   f'{ref("containerContent", "Page", pid)}</object>\n')
                objects.append(f'<object class="Attachment" package="com.atlassian.confluence.pages">\n<id name="id">{aid}</id>\n'
                               f'<property name="title">{cdata("file-%d.bin" % pid)}</property>\n<property name="version">{versions}</property>\n'
                               f'<property name="contentStatus">{cdata("current")}</property>\n{ref("containerContent", "Page", pid)}'
                               f'<property name="contentType">{cdata("application/octet-stream")}</property>\n'
                               f'<property name="fileSize">{a.attachment_bytes}</property>\n</object>\n')
                for v in range(1, versions + 1):
                    attachments.append((pid, aid, v))
        objects.append(f'<object class="Space" package="com.atlassian.confluence.spaces">\n<id name="id">{sid}</id>\n'
                       f'<property name="name">{cdata("Space %d" % s)}</property>\n<property name="key">{cdata(skey)}</property>\n'
                       f'{ref("homePage", "Page", home)}</object>\n')
    rng.shuffle(objects)
    with zipfile.ZipFile(a.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as z:
        z.writestr(zipfile.ZipInfo("exportDescriptor.properties", (2024, 1, 1, 0, 0, 0)),
                   f"exportType={'all' if a.spaces > 1 else 'space'}\nbuildNumber=8804\nbackupAttachments=true\n"
                   + ("" if a.spaces > 1 else "spaceKey=SP0\n"))
        info = zipfile.ZipInfo("entities.xml", (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            f.write(HEAD.encode())
            for o in objects:
                f.write(o.encode())
            f.write(b"</hibernate-generic>\n")
        arng = random.Random(a.seed + 1)
        for pid, aid, v in attachments:
            data = bytes(arng.getrandbits(8) for _ in range(min(a.attachment_bytes, 64))) * (a.attachment_bytes // 64 + 1)
            zi = zipfile.ZipInfo(f"attachments/{pid}/{aid}/{v}", (2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data[: a.attachment_bytes])


if __name__ == "__main__":
    main()
