/*
 * CNftables: libnftables, the library behind the nft command. PodNetwork hands it whole
 * rule buffers (nft_run_cmd_from_buffer), which it applies as one atomic transaction.
 *
 * libnftables (and nftnl, xtables, jansson, gmp behind it) is opened on first use (D78,
 * lazy_load.h): lazy.c defines each function podctl calls as a forwarder; a libnftables
 * function not listed there fails to link.
 */
#ifndef PODCTL_CNFTABLES_H
#define PODCTL_CNFTABLES_H

#include <nftables/libnftables.h>

/* Opens libnftables; NULL, or the message naming it and the package to install. */
const char *podnft_load(void);

#endif
