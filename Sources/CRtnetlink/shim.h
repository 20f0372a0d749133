/*
 * CRtnetlink: the rtnetlink headers of the Linux UAPI, as Swift imports them; no library.
 * PodNetlink frames and parses the messages itself (NetlinkSocket.swift), so pod-helper,
 * which links it, can be one static executable (D86). The UAPI headers are included
 * instead of glibc's <net/if.h>, which clashes with them.
 */
#ifndef PODCTL_CRTNETLINK_H
#define PODCTL_CRTNETLINK_H

#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>

#endif
