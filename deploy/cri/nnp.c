/* critest's NoNewPrivs stand-in (registry.k8s.io/e2e-test-images/nonewprivs:1.3): the
 * image installs it setuid root and runs it as uid 1000. With no_new_privs the setuid bit
 * is ignored at execve (prctl(2), PR_SET_NO_NEW_PRIVS) and it prints 1000, without it 0.
 * The same program as Kubernetes' test/images/nonewprivs/nnp.c; built static by
 * deploy/cri/e2e-images.sh so the image needs no libc. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    printf("Effective uid: %d\n", (int)geteuid());
    return 0;
}
