/*
 * CArchive: libarchive, as Swift imports it. podctl reads (and, for `image import`
 * of a directory, writes) tar streams with it: plain, gzip and zstd, the layer
 * encodings of the OCI image spec. Nothing but the two public headers is exposed,
 * and zlib's: libarchive's gzip filter does not check a gzip member's CRC-32 and
 * length, so podctl inflates gzip itself (PodImage/Archive/GzipStream.swift).
 *
 * libarchive is opened on first use (D78, lazy_load.h): lazy.c defines each function
 * podctl calls as a forwarder; a libarchive function not listed there fails to link.
 * zlib stays linked directly (small, and already loaded by libc's neighbours).
 */
#ifndef PODCTL_CARCHIVE_H
#define PODCTL_CARCHIVE_H

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

/* Opens libarchive; NULL, or the message naming it and the package to install. */
const char *podarchive_load(void);
/* Functions of libarchive resolved so far (tests). */
unsigned podarchive_resolutions(void);

#endif
