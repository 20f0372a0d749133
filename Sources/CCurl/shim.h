/*
 * CCurl: libcurl, for registry pulls (docs/architecture.md, D30). curl_easy_setopt and
 * curl_easy_getinfo are variadic, which Swift cannot call, so each argument type gets a
 * typed inline wrapper here.
 */
#ifndef PODCTL_CCURL_H
#define PODCTL_CCURL_H

#include <curl/curl.h>

typedef size_t (*podcurl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode podcurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode podcurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode podcurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode podcurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode podcurl_setopt_callback(CURL *handle, CURLoption option, podcurl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode podcurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
