/*
 * CNftables: libnftables, the library behind the nft command. PodNetwork hands it whole
 * rule buffers (nft_run_cmd_from_buffer), which it applies as one atomic transaction.
 */
#ifndef PODCTL_CNFTABLES_H
#define PODCTL_CNFTABLES_H

#include <nftables/libnftables.h>

#endif
