/* libseccomp, for pod-helper only (docs/security.md). The SCMP_ACT_* and SCMP_ARCH_*
   values are macros Swift cannot import; PodLaunch spells the actions out and the helper
   resolves architectures by name (seccomp_arch_resolve_name). */
#include <seccomp.h>
