/*
 * CPodShim, sockets part: the peer's credentials of a unix socket (SO_PEERCRED, unix(7)),
 * whose struct ucred Swift's Glibc module does not import (glibc declares it only under
 * _GNU_SOURCE).
 */
#ifndef PODCTL_SHIM_SOCKET_H
#define PODCTL_SHIM_SOCKET_H

#include <stdint.h>

/* The effective UID the peer of the connected unix socket `fd` had at connect(2);
 * 0 on success, -1 with errno set. */
int podshim_peer_uid(int fd, uint32_t *uid);

#endif
