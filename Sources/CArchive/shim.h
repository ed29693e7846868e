#ifndef CONFLUENCE_KM_CARCHIVE_SHIM_H
#define CONFLUENCE_KM_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
