/*
 * CCurl: libcurl, for registry pulls (docs/architecture.md, D30). curl_easy_setopt and
 * curl_easy_getinfo are variadic, which Swift cannot call, so each argument type gets a
 * typed wrapper here.
 *
 * libcurl (and gnutls, krb5, ldap, nghttp2, ssh2 behind it) is opened on first use (D78,
 * lazy_load.h): lazy.c defines the wrappers and each libcurl function podctl calls as a
 * forwarder; a libcurl function not listed there fails to link.
 */
#ifndef PODCTL_CCURL_H
#define PODCTL_CCURL_H

#include <curl/curl.h>

typedef size_t (*podcurl_data_callback)(char *data, size_t size, size_t count, void *context);

/* Opens libcurl; NULL, or the message naming it and the package to install. */
const char *podcurl_load(void);

CURLcode podcurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode podcurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode podcurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode podcurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode podcurl_setopt_callback(CURL *handle, CURLoption option, podcurl_data_callback value);
CURLcode podcurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
