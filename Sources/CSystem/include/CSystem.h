#ifndef CKM_CSYSTEM_H
#define CKM_CSYSTEM_H

/* Linux calls that Swift's Glibc module does not export. */

#include <fcntl.h>
#include <stdio.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static const unsigned int CKM_RENAME_NOREPLACE = RENAME_NOREPLACE;
static const unsigned int CKM_RENAME_EXCHANGE = RENAME_EXCHANGE;

/* renameat2(2): one atomic step that refuses to replace (NOREPLACE) or swaps two names (EXCHANGE).
   Returns -1 with errno set (EINVAL where the filesystem does not support the flag). */
int ckm_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

#endif
