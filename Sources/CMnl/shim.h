/*
 * CMnl: libmnl and the rtnetlink headers, as Swift imports them. PodNetlink builds and
 * parses rtnetlink messages with these and nothing else (docs/network.md). The Linux
 * UAPI headers are included instead of glibc's <net/if.h>, which clashes with them.
 */
#ifndef PODCTL_CMNL_H
#define PODCTL_CMNL_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>

#endif
