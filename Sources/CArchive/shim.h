/*
 * CArchive: libarchive, as Swift imports it. podctl reads (and, for `image import`
 * of a directory, writes) tar streams with it: plain, gzip and zstd, the layer
 * encodings of the OCI image spec. Nothing but the two public headers is exposed,
 * and zlib's: libarchive's gzip filter does not check a gzip member's CRC-32 and
 * length, so podctl inflates gzip itself (PodImage/Archive/GzipStream.swift).
 */
#ifndef PODCTL_CARCHIVE_H
#define PODCTL_CARCHIVE_H

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#endif
