/* libnftables' functions podctl calls, each opened on first use (D78, lazy_load.h). */
#include "CNftables.h"
#include <lazy_load.h>

static podlazy_library libnftables = PODLAZY_LIBRARY("libnftables.so.1", "libnftables1", "the bridge's nftables rules and hostPorts");

const char *podnft_load(void) { return podlazy_load(&libnftables); }

PODLAZY_FORWARD(libnftables, struct nft_ctx *, nft_ctx_new, (uint32_t flags), (flags))
PODLAZY_FORWARD_VOID(libnftables, nft_ctx_free, (struct nft_ctx *context), (context))
PODLAZY_FORWARD_VOID(libnftables, nft_ctx_output_set_flags, (struct nft_ctx *context, unsigned int flags), (context, flags))
PODLAZY_FORWARD(libnftables, int, nft_ctx_buffer_output, (struct nft_ctx *context), (context))
PODLAZY_FORWARD(libnftables, const char *, nft_ctx_get_output_buffer, (struct nft_ctx *context), (context))
PODLAZY_FORWARD(libnftables, int, nft_ctx_buffer_error, (struct nft_ctx *context), (context))
PODLAZY_FORWARD(libnftables, const char *, nft_ctx_get_error_buffer, (struct nft_ctx *context), (context))
PODLAZY_FORWARD(libnftables, int, nft_run_cmd_from_buffer, (struct nft_ctx *nft, const char *buffer), (nft, buffer))
