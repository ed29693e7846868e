/* The bare single pass `make bench` measures the index stage against: libarchive decompresses every entry of the
 * export ZIP once, and libxml2's SAX2 push parser (as the converter's reader uses it) walks entities.xml with
 * callbacks that only count (a Cloud CSV export's gzip tables are decompressed, not parsed); nothing is built,
 * nothing is kept. Usage: bare-pass EXPORT.zip. */
#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

static long long elements = 0, textBytes = 0;

static void start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri, int nsCount,
                  const xmlChar **ns, int attrCount, int defaulted, const xmlChar **attrs) { elements++; }
static void end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri) {}
static void text(void *ctx, const xmlChar *ch, int len) { textBytes += len; }

/* A gzip table of a Cloud CSV export, decompressed through a second libarchive reader fed by the first. */
static char inner[1 << 16];
static la_ssize_t feed(struct archive *b, void *outer, const void **out) {
    *out = inner;
    return archive_read_data((struct archive *)outer, inner, sizeof inner);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: bare-pass EXPORT.zip\n"); return 64; }
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, argv[1], 1 << 16) != ARCHIVE_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], archive_error_string(a));
        return 1;
    }
    struct archive_entry *e;
    long long bytes = 0;
    static char buffer[1 << 16];
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        if (strcmp(archive_entry_pathname(e), "entities.xml") == 0) {
            xmlSAXHandler sax;
            memset(&sax, 0, sizeof sax);
            xmlSAXVersion(&sax, 2);
            sax.startElementNs = start;
            sax.endElementNs = end;
            sax.characters = text;
            sax.cdataBlock = text;
            xmlParserCtxtPtr p = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, "entities.xml");
            xmlCtxtUseOptions(p, XML_PARSE_NONET | XML_PARSE_HUGE);
            la_ssize_t n;
            while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) xmlParseChunk(p, buffer, (int)n, 0);
            xmlParseChunk(p, NULL, 0, 1);
            xmlFreeParserCtxt(p);
        } else if (strlen(archive_entry_pathname(e)) > 3 && strcmp(archive_entry_pathname(e) + strlen(archive_entry_pathname(e)) - 3, ".gz") == 0) {
            struct archive *b = archive_read_new();
            archive_read_support_format_raw(b);
            archive_read_support_filter_gzip(b);
            struct archive_entry *be;
            if (archive_read_open(b, a, NULL, feed, NULL) == ARCHIVE_OK && archive_read_next_header(b, &be) == ARCHIVE_OK) {
                la_ssize_t n;
                while ((n = archive_read_data(b, buffer, sizeof buffer)) > 0) bytes += n;
            }
            archive_read_free(b);
        } else {
            la_ssize_t n;
            while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) bytes += n;
        }
    }
    archive_read_free(a);
    printf("%lld elements, %lld text bytes, %lld other bytes\n", elements, textBytes, bytes);
    return 0;
}
