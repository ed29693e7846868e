#!/usr/bin/env python3
"""Deterministic generator of Confluence space exports in the real formats, for benchmarks and scale tests.

  gen-export.py OUT.zip --pages 3000 --versions 8 --attachment-bytes 2000 [--spaces 1] [--seed 1] [--format xml|csv]

The same seed gives the same content in both formats (XML: entities.xml with shuffled objects, history marked by
both originalVersion references and originalVersionId values; CSV: Cloud's gzip-compressed tables). There are drafts
(status and Draft objects), trash, archived pages, labels, view restrictions, attachments with versions, and bodies
with headings, lists, tables, code macros, panels, links and images.
"""
import argparse
import csv
import gzip
import io
import random
import zipfile

WORDS = ("alpha beta gamma delta server cluster deploy rollback index cache token queue worker backup restore "
         "policy audit network switch firewall latency throughput release review incident ticket owner").split()
STAMP = (2024, 1, 1, 0, 0, 0)


def date(rng, year):
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"


def sentence(rng, n=12):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def body(rng, titles, space_key, attachment):
    parts = [f"<h2>{sentence(rng, 3)}</h2>", f"<p>{sentence(rng)} <strong>{rng.choice(WORDS)}</strong> {sentence(rng)}</p>",
             "<ul>" + "".join(f"<li>{sentence(rng, 5)}</li>" for _ in range(4)) + "</ul>"]
    rows = "".join(f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 999)}</td><td>{sentence(rng, 4)}</td></tr>" for _ in range(5))
    parts.append(f"<table><tbody><tr><th>Name</th><th>Count</th><th>Notes</th></tr>{rows}</tbody></table>")
    code = "\n".join(f"def f{i}(x):\n    return x * {i}  # {rng.choice(WORDS)}" for i in range(4))
    parts.append('<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">python</ac:parameter>'
                 f'<ac:plain-text-body><![CDATA[{code}]]></ac:plain-text-body></ac:structured-macro>')
    parts.append(f'<ac:structured-macro ac:name="info"><ac:rich-text-body><p>{sentence(rng)}</p></ac:rich-text-body></ac:structured-macro>')
    parts.append(f'<p>See <ac:link><ri:page ri:space-key="{space_key}" ri:content-title="{rng.choice(titles)}" /></ac:link> and '
                 f'<a href="https://example.com/{rng.randint(1, 9999)}">the docs</a>.</p>')
    if attachment:
        parts.append(f'<p><ac:image><ri:attachment ri:filename="{attachment}" /></ac:image></p>')
    for _ in range(3):
        parts.append(f"<p>{sentence(rng, 30)}</p>")
    return "".join(parts)


def generate(a):
    """The export as plain records, shared by both writers."""
    rng = random.Random(a.seed)
    next_id = [100000]

    def nid():
        next_id[0] += 1
        return next_id[0]

    d = {"users": [("8a7f80%010x" % i, f"user{i}") for i in range(20)], "labels": [], "spaces": [], "content": [],
         "bodies": [], "labellings": [], "perms": [], "files": []}
    for i in range(30):
        d["labels"].append((nid(), f"label-{i}"))
    per_space = max(1, a.pages // a.spaces)
    for s in range(a.spaces):
        sid, skey = nid(), f"SP{s}"
        titles = [f"Page {s}-{i}" for i in range(per_space)]
        ids = []
        for i in range(per_space):
            pid = nid()
            ids.append(pid)
            parent = ids[rng.randrange(0, len(ids) - 1)] if len(ids) > 1 else None
            r = rng.random()
            status = "deleted" if r < 0.01 else "draft" if r < 0.02 else "archived" if r < 0.025 else "current"
            att = f"file-{pid}.bin" if rng.random() < 0.3 else None
            page = dict(id=pid, type="PAGE", title=titles[i], version=a.versions + 1, creator=rng.choice(d["users"])[0],
                        created=date(rng, 2022), modified=date(rng, 2023), status=status, position=i, parent=parent,
                        space=sid, prev=None, marker=None)
            d["content"].append(page)
            d["bodies"].append((nid(), pid, body(rng, titles, skey, att)))
            for v in range(a.versions):
                hid = nid()
                d["content"].append(dict(id=hid, type="PAGE", title=titles[i], version=v + 1, creator=page["creator"],
                                         created=date(rng, 2021), modified=date(rng, 2021), status="current", position=None,
                                         parent=None, space=None, prev=pid, marker="ref" if v % 2 == 0 else "value"))
                d["bodies"].append((nid(), hid, body(rng, titles, skey, None)))
            for _ in range(rng.randint(0, 2)):
                d["labellings"].append((nid(), rng.choice(d["labels"])[0], pid))
            if rng.random() < 0.05:
                d["perms"].append((nid(), nid(), pid, "staff"))
            if rng.random() < 0.01:
                d["content"].append(dict(id=nid(), type="DRAFT", title="Draft " + titles[i]))
            if att:
                aid = nid()
                versions = rng.randint(1, 3)
                for v in range(1, versions):
                    hid = nid()
                    d["content"].append(dict(id=hid, type="ATTACHMENT", title=att, version=v, prev=aid, page=pid, status="current"))
                    d["files"].append((pid, aid, hid, v))
                d["content"].append(dict(id=aid, type="ATTACHMENT", title=att, version=versions, prev=None, page=pid, status="current"))
                d["files"].append((pid, aid, aid, versions))
        d["spaces"].append((sid, skey, f"Space {s}", ids[0]))
    return d


def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def ref(name, cls, id_, pkg="com.atlassian.confluence.pages"):
    return f'<property name="{name}" class="{cls}" package="{pkg}"><id name="id">{id_}</id></property>\n'


def write_xml(a, d, z):
    rng = random.Random(a.seed + 7)
    objs = []
    for key, name in d["users"]:
        objs.append(f'<object class="ConfluenceUserImpl" package="com.atlassian.confluence.user">\n<id name="key">{cdata(key)}</id>\n'
                    f'<property name="name">{cdata(name)}</property>\n</object>\n')
    for lid, name in d["labels"]:
        objs.append(f'<object class="Label" package="com.atlassian.confluence.labels">\n<id name="id">{lid}</id>\n'
                    f'<property name="name">{cdata(name)}</property>\n<property name="namespace">{cdata("global")}</property>\n</object>\n')
    for sid, key, name, home in d["spaces"]:
        objs.append(f'<object class="Space" package="com.atlassian.confluence.spaces">\n<id name="id">{sid}</id>\n'
                    f'<property name="name">{cdata(name)}</property>\n<property name="key">{cdata(key)}</property>\n'
                    f'{ref("homePage", "Page", home)}</object>\n')
    for c in d["content"]:
        if c["type"] == "DRAFT":
            objs.append(f'<object class="Draft" package="com.atlassian.confluence.pages">\n<id name="id">{c["id"]}</id>\n'
                        f'<property name="title">{cdata(c["title"])}</property>\n</object>\n')
        elif c["type"] == "ATTACHMENT":
            x = [f'<object class="Attachment" package="com.atlassian.confluence.pages">\n<id name="id">{c["id"]}</id>\n',
                 f'<property name="title">{cdata(c["title"])}</property>\n<property name="version">{c["version"]}</property>\n',
                 f'<property name="contentStatus">{cdata(c["status"])}</property>\n{ref("containerContent", "Page", c["page"])}']
            if c["prev"]:
                x.append(f'<property name="originalVersionId">{c["prev"]}</property>\n')
            else:
                x.append(f'<property name="contentType">{cdata("application/octet-stream")}</property>\n<property name="fileSize">{a.attachment_bytes}</property>\n')
            objs.append("".join(x) + "</object>\n")
        else:
            x = [f'<object class="Page" package="com.atlassian.confluence.pages">\n<id name="id">{c["id"]}</id>\n',
                 f'<property name="title">{cdata(c["title"])}</property>\n<property name="version">{c["version"]}</property>\n',
                 f'<property name="creator" class="ConfluenceUserImpl" package="com.atlassian.confluence.user"><id name="key">{cdata(c["creator"])}</id></property>\n',
                 f'<property name="creationDate">{c["created"]}</property>\n<property name="lastModificationDate">{c["modified"]}</property>\n',
                 f'<property name="contentStatus">{cdata(c["status"])}</property>\n']
            if c["position"] is not None:
                x.append(f'<property name="position">{c["position"]}</property>\n')
            if c["space"]:
                x.append(ref("space", "Space", c["space"], "com.atlassian.confluence.spaces"))
            if c["parent"]:
                x.append(ref("parent", "Page", c["parent"]))
            if c["prev"]:
                x.append(ref("originalVersion", "Page", c["prev"]) if c["marker"] == "ref" else f'<property name="originalVersionId">{c["prev"]}</property>\n')
            objs.append("".join(x) + "</object>\n")
    for bid, cid, text in d["bodies"]:
        objs.append(f'<object class="BodyContent" package="com.atlassian.confluence.core">\n<id name="id">{bid}</id>\n'
                    f'<property name="body">{cdata(text)}</property>\n<property name="bodyType">2</property>\n{ref("content", "Page", cid)}</object>\n')
    for lid, label, cid in d["labellings"]:
        objs.append(f'<object class="Labelling" package="com.atlassian.confluence.labels">\n<id name="id">{lid}</id>\n'
                    f'{ref("label", "Label", label, "com.atlassian.confluence.labels")}{ref("content", "Page", cid)}</object>\n')
    for ps, cp, cid, group in d["perms"]:
        objs.append(f'<object class="ContentPermissionSet" package="com.atlassian.confluence.security">\n<id name="id">{ps}</id>\n'
                    f'<property name="type">{cdata("View")}</property>\n{ref("owningContent", "Page", cid)}</object>\n')
        objs.append(f'<object class="ContentPermission" package="com.atlassian.confluence.security">\n<id name="id">{cp}</id>\n'
                    f'<property name="type">{cdata("View")}</property>\n<property name="groupName">{cdata(group)}</property>\n'
                    f'{ref("owningSet", "ContentPermissionSet", ps, "com.atlassian.confluence.security")}</object>\n')
    rng.shuffle(objs)
    z.writestr(zipfile.ZipInfo("exportDescriptor.properties", STAMP),
               f"exportType={'all' if a.spaces > 1 else 'space'}\nbuildNumber=8804\nbackupAttachments=true\n" + ("" if a.spaces > 1 else "spaceKey=SP0\n"))
    info = zipfile.ZipInfo("entities.xml", STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<hibernate-generic datetime="2024-01-01 00:00:00.000">\n')
        for o in objs:
            f.write(o.encode())
        f.write(b"</hibernate-generic>\n")
    # XML exports file every attachment version under the current attachment's id.
    return [(pid, aid, v) for pid, aid, _own, v in d["files"]]


def write_csv(a, d, z):
    def table(name, header, rows):
        raw = io.StringIO()
        w = csv.writer(raw, lineterminator="\r\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
        info = zipfile.ZipInfo(f"{name}.csv.gz", STAMP)
        info.compress_type = zipfile.ZIP_STORED
        z.writestr(info, gzip.compress(raw.getvalue().encode(), mtime=0))
    H = ["contentid", "contenttype", "title", "version", "creator", "creationdate", "lastmoddate", "prevver", "content_status",
         "pageid", "spaceid", "child_position", "parentid"]
    rows = []
    for c in d["content"]:
        if c["type"] == "DRAFT":
            rows.append([c["id"], "PAGE", c["title"], 1, None, None, None, None, "draft", None, None, None, None])
        elif c["type"] == "ATTACHMENT":
            rows.append([c["id"], "ATTACHMENT", c["title"], c["version"], None, None, None, c["prev"], c["status"], c["page"], None, None, None])
        else:
            rows.append([c["id"], "PAGE", c["title"], c["version"], c["creator"], c["created"], c["modified"], c["prev"], c["status"],
                         None, c["space"], c["position"], c["parent"]])
    table("content", H, rows)
    table("bodycontent", ["bodycontentid", "body", "contentid", "bodytypeid"], [(b, t, c, 2) for b, c, t in d["bodies"]])
    props = [(i * 2 + 1, "MEDIA_TYPE", "application/octet-stream", None, c["id"]) for i, c in enumerate(d["content"]) if c["type"] == "ATTACHMENT" and not c["prev"]]
    props += [(i * 2 + 2, "FILESIZE", None, a.attachment_bytes, c["id"]) for i, c in enumerate(d["content"]) if c["type"] == "ATTACHMENT" and not c["prev"]]
    table("contentproperties", ["propertyid", "propertyname", "stringval", "longval", "contentid"], props)
    table("label", ["labelid", "name", "owner", "namespace"], [(l, n, None, "global") for l, n in d["labels"]])
    table("content_label", ["id", "labelid", "contentid"], d["labellings"])
    table("user_mapping", ["user_key", "username", "lower_username", "aaid"], [(k, n, n, None) for k, n in d["users"]])
    table("spaces", ["spaceid", "spacekey", "spacename", "homepage", "spacetype"], [(s, k, n, h, "global") for s, k, n, h in d["spaces"]])
    table("content_perm_set", ["id", "cont_perm_type", "content_id"], [(ps, "View", cid) for ps, _, cid, _ in d["perms"]])
    table("content_perm", ["id", "cp_type", "username", "groupname", "cps_id"], [(cp, "View", None, g, ps) for ps, cp, _, g in d["perms"]])
    z.writestr(zipfile.ZipInfo("exportDescriptor.properties.gz", STAMP), gzip.compress(
        f"exportFormat=csv\nexportType=space\nsource=cloud\nbuildNumber=4515\nbackupAttachments=true\nspaceKey=SP0\n".encode(), mtime=0))
    # CSV exports file an old attachment version under its own id.
    return [(pid, own, v) for pid, _aid, own, v in d["files"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--versions", type=int, default=8, help="historical versions per page")
    ap.add_argument("--attachment-bytes", type=int, default=2000)
    ap.add_argument("--spaces", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=["xml", "csv"], default="xml")
    a = ap.parse_args()
    d = generate(a)
    with zipfile.ZipFile(a.out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as z:
        files = (write_csv if a.format == "csv" else write_xml)(a, d, z)
        arng = random.Random(a.seed + 1)
        for pid, aid, v in files:
            data = arng.randbytes(a.attachment_bytes)  # random: attachments barely compress, as real ones mostly do
            zi = zipfile.ZipInfo(f"attachments/{pid}/{aid}/{v}", STAMP)
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)


if __name__ == "__main__":
    main()
