/* libcurl's functions podctl calls, each opened on first use (D78, lazy_load.h). */
#define CURL_DISABLE_TYPECHECK /* the wrappers below pass typed values; no macro checks */
#include "CCurl.h"
#include <lazy_load.h>

static podlazy_library libcurl = PODLAZY_LIBRARY("libcurl.so.4", "libcurl4", "registry pulls");

const char *podcurl_load(void) { return podlazy_load(&libcurl); }

PODLAZY_FORWARD(libcurl, CURLcode, curl_global_init, (long flags), (flags))
PODLAZY_FORWARD(libcurl, CURL *, curl_easy_init, (void), ())
PODLAZY_FORWARD(libcurl, CURLcode, curl_easy_perform, (CURL *handle), (handle))
PODLAZY_FORWARD_VOID(libcurl, curl_easy_cleanup, (CURL *handle), (handle))
PODLAZY_FORWARD(libcurl, const char *, curl_easy_strerror, (CURLcode code), (code))
PODLAZY_FORWARD(libcurl, struct curl_slist *, curl_slist_append, (struct curl_slist *list, const char *string), (list, string))
PODLAZY_FORWARD_VOID(libcurl, curl_slist_free_all, (struct curl_slist *list), (list))
PODLAZY_FUNCTION(libcurl, curl_easy_setopt)
PODLAZY_FUNCTION(libcurl, curl_easy_getinfo)

CURLcode podcurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return podlazy_curl_easy_setopt()(handle, option, value);
}

CURLcode podcurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return podlazy_curl_easy_setopt()(handle, option, value);
}

CURLcode podcurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return podlazy_curl_easy_setopt()(handle, option, value);
}

CURLcode podcurl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return podlazy_curl_easy_setopt()(handle, option, value);
}

CURLcode podcurl_setopt_callback(CURL *handle, CURLoption option, podcurl_data_callback value) {
    return podlazy_curl_easy_setopt()(handle, option, value);
}

CURLcode podcurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return podlazy_curl_easy_getinfo()(handle, info, value);
}
