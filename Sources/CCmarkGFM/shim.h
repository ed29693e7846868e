#ifndef CONFLUENCE_KM_CCMARKGFM_SHIM_H
#define CONFLUENCE_KM_CCMARKGFM_SHIM_H
#include <cmark-gfm.h>
#include <cmark-gfm/cmark-gfm-extension_api.h>
/* Debian 12's libcmark-gfm-dev has no cmark-gfm-core-extensions.h (and no unversioned
   libcmark-gfm-extensions.so): the one function needed from the extensions library is declared here, and the
   library is linked by its versioned name in Package.swift. */
void cmark_gfm_core_extensions_ensure_registered(void);
#endif
