#ifndef CONFLUENCE_KM_CLIBXML2_SHIM_H
#define CONFLUENCE_KM_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU; its <unicode/ucnv.h> clashes with the ICU copy inside Foundation.
   Nothing here touches the ICU converter fields, so the ICU declarations are left out. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer, which Swift 6 rejects as not
   concurrency-safe; call it through a static inline function instead. */
static inline void ckm_xmlFree(void *ptr) { xmlFree(ptr); }

#endif
