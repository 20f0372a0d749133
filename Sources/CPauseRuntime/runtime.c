// pod-pause's C runtime: _start, errno, and the system calls LibC.swift declares, made
// directly with the syscall instruction. Why not static glibc: every pod runs one pause
// and one pod-init per container, and static glibc's start-up alone left ~40 KiB of
// private dirty pages in each (its TLS block and IRELATIVE relocations, stdio and
// locale state, a heap page): more than the program itself (docs/pause-and-init.md).
// Compiled freestanding (-ffreestanding, no stack protector): no libc headers but the
// kernel's <asm/unistd.h> numbers, and the compiler may not turn loops into libc calls.

#include <asm/unistd.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
static long raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
    long result;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}
#elif defined(__aarch64__)
static long raw_syscall(long n, long a, long b, long c, long d, long e, long f) {
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory", "cc");
    return x0;
}
#else
#error "pod-pause's runtime knows the syscall convention of x86_64 and aarch64 only"
#endif

static int error_number;

int *__errno_location(void) { return &error_number; }

/// The kernel returns -errno in [-4095, -1] (syscall(2)); libc returns -1 and sets errno.
static long checked(long result) {
    if (result < 0 && result > -4096) {
        error_number = (int)-result;
        return -1;
    }
    return result;
}

#define SYSCALL(n, a, b, c, d, e, f) checked(raw_syscall(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f)))

// The kernel's sigset_t is 64 bits (_NSIG / 8 bytes); glibc's is 128 bytes, of which
// Swift's SignalSet passes the first 8 as the kernel reads them (rt_sigprocmask(2)).
#define KERNEL_SIGSET_SIZE 8

ptrdiff_t read(int fd, void *buffer, size_t count) { return SYSCALL(__NR_read, fd, buffer, count, 0, 0, 0); }
ptrdiff_t write(int fd, const void *buffer, size_t count) { return SYSCALL(__NR_write, fd, buffer, count, 0, 0, 0); }

struct kernel_timespec { long seconds; long nanoseconds; };

/// poll(2) as ppoll(2): aarch64 has no poll system call; glibc does the same.
int poll(void *fds, unsigned long count, int timeout_ms) {
    struct kernel_timespec timeout = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000 };
    return (int)SYSCALL(__NR_ppoll, fds, count, timeout_ms < 0 ? NULL : &timeout, NULL, KERNEL_SIGSET_SIZE, 0);
}

size_t strlen(const char *string) {
    size_t length = 0;
    while (string[length]) length++;
    return length;
}

/// sigfillset(3) as glibc does it: every signal but the two glibc keeps for its threads
/// (32 and 33, signal(7)), so pod-pause's mask is what it was with glibc.
int sigfillset(void *set) {
    uint64_t *words = set;
    for (int index = 0; index < 16; index++) words[index] = ~(uint64_t)0;
    words[0] &= ~((uint64_t)1 << 31 | (uint64_t)1 << 32);
    return 0;
}

int sigprocmask(int how, const void *set, void *old) {
    return (int)SYSCALL(__NR_rt_sigprocmask, how, set, old, KERNEL_SIGSET_SIZE, 0, 0);
}

int signalfd(int fd, const void *mask, int flags) {
    return (int)SYSCALL(__NR_signalfd4, fd, mask, KERNEL_SIGSET_SIZE, flags, 0, 0);
}

struct kernel_sigaction { void *handler; unsigned long flags; void *restorer; uint64_t mask; };

/// signal(2) for SIG_DFL and SIG_IGN only, which is all pod-pause asks: a handler that
/// returns would need an sa_restorer trampoline on x86_64 (rt_sigreturn), and pod-pause
/// reads its signals from a signalfd instead. Returns SIG_ERR ((void *)-1) for a handler.
void *signal(int number, void *handler) {
    if (handler != (void *)0 && handler != (void *)1) {
        error_number = 22;  // EINVAL
        return (void *)-1;
    }
    struct kernel_sigaction action = { handler, 0, NULL, 0 };
    struct kernel_sigaction old = { 0 };
    if (SYSCALL(__NR_rt_sigaction, number, &action, &old, KERNEL_SIGSET_SIZE, 0, 0) < 0) return (void *)-1;
    return old.handler;
}

int getpid(void) { return (int)SYSCALL(__NR_getpid, 0, 0, 0, 0, 0, 0); }

/// fork(2) as clone(2) with SIGCHLD and nothing shared, as glibc's fork makes it; there
/// are no atfork handlers or threads to care for here.
int fork(void) { return (int)SYSCALL(__NR_clone, 17 /* SIGCHLD */, 0, 0, 0, 0, 0); }

static char **environment;

int execv(const char *path, char *const argv[]) {
    return (int)SYSCALL(__NR_execve, path, argv, environment, 0, 0, 0);
}

int waitpid(int pid, int *status, int options) {
    return (int)SYSCALL(__NR_wait4, pid, status, options, NULL, 0, 0);
}

int kill(int pid, int number) { return (int)SYSCALL(__NR_kill, pid, number, 0, 0, 0, 0); }
int setpgid(int pid, int group) { return (int)SYSCALL(__NR_setpgid, pid, group, 0, 0, 0, 0); }

/// isatty(3): TCGETS succeeds only on a terminal (<asm-generic/ioctls.h>: 0x5401).
int isatty(int fd) {
    unsigned char termios[60];
    return SYSCALL(__NR_ioctl, fd, 0x5401, termios, 0, 0, 0) == 0 ? 1 : 0;
}

/// tcsetpgrp(3) is TIOCSPGRP (0x5410) with a pointer to the group.
int tcsetpgrp(int fd, int group) { return (int)SYSCALL(__NR_ioctl, fd, 0x5410, &group, 0, 0, 0); }

_Noreturn void _exit(int status) {
    for (;;) raw_syscall(__NR_exit_group, status, 0, 0, 0, 0, 0);
}

// glibc's texts for the errors pause and init can report, so messages read as before
// (InitTests checks "No such file or directory"); others as glibc prints an unknown one.
static const char *const error_texts[] = {
    [1] = "Operation not permitted", [2] = "No such file or directory", [3] = "No such process",
    [4] = "Interrupted system call", [5] = "Input/output error", [6] = "No such device or address",
    [7] = "Argument list too long", [8] = "Exec format error", [9] = "Bad file descriptor",
    [10] = "No child processes", [11] = "Resource temporarily unavailable", [12] = "Cannot allocate memory",
    [13] = "Permission denied", [14] = "Bad address", [16] = "Device or resource busy",
    [17] = "File exists", [19] = "No such device", [20] = "Not a directory", [21] = "Is a directory",
    [22] = "Invalid argument", [23] = "Too many open files in system", [24] = "Too many open files",
    [25] = "Inappropriate ioctl for device", [26] = "Text file busy", [28] = "No space left on device",
    [30] = "Read-only file system", [36] = "File name too long", [38] = "Function not implemented",
    [40] = "Too many levels of symbolic links", [80] = "Can not access a needed shared library",
};

static char unknown_error[32];

const char *strerror(int number) {
    if (number > 0 && (size_t)number < sizeof error_texts / sizeof error_texts[0] && error_texts[number])
        return error_texts[number];
    // "Unknown error N", as glibc words it.
    const char prefix[] = "Unknown error ";
    size_t length = 0;
    for (; prefix[length]; length++) unknown_error[length] = prefix[length];
    unsigned long value = number < 0 ? -(unsigned long)number : (unsigned long)number;
    if (number < 0) unknown_error[length++] = '-';
    char digits[20];
    int count = 0;
    do { digits[count++] = (char)('0' + value % 10); value /= 10; } while (value);
    while (count) unknown_error[length++] = digits[--count];
    unknown_error[length] = 0;
    return unknown_error;
}

// What the compiler may call for struct copies and InlineArray's fill, in a freestanding
// program (C11 5.1.2.1 leaves them to the program; clang still emits these four).
void *memset(void *target, int value, size_t count) {
    unsigned char *bytes = target;
    for (size_t index = 0; index < count; index++) bytes[index] = (unsigned char)value;
    return target;
}

void *memcpy(void *restrict target, const void *restrict source, size_t count) {
    unsigned char *to = target;
    const unsigned char *from = source;
    for (size_t index = 0; index < count; index++) to[index] = from[index];
    return target;
}

void *memmove(void *target, const void *source, size_t count) {
    unsigned char *to = target;
    const unsigned char *from = source;
    if (to < from) {
        for (size_t index = 0; index < count; index++) to[index] = from[index];
    } else {
        for (size_t index = count; index > 0; index--) to[index - 1] = from[index - 1];
    }
    return target;
}

int memcmp(const void *left, const void *right, size_t count) {
    const unsigned char *a = left, *b = right;
    for (size_t index = 0; index < count; index++) {
        if (a[index] != b[index]) return a[index] < b[index] ? -1 : 1;
    }
    return 0;
}

// The heap Embedded Swift's runtime asks for (swift_allocObject, swift_slowAlloc). A
// release pod-pause allocates nothing (its loops use InlineArray), but a debug build may
// box values, so the allocator must keep up with a loop that allocates and frees the
// same sizes: freed blocks go on a list per size and are handed out again. Blocks come
// from 64 KiB mmap(2)ed chunks; only the pages written count in the process's memory.
struct block_header { size_t size; struct block_header *next; };
#define ALLOCATION_CHUNK (64 * 1024)
#define SIZE_CLASSES 64
static struct block_header *free_blocks[SIZE_CLASSES];  // by size / 16, the last one for all larger
static unsigned char *chunk_cursor, *chunk_end;

static void *map_chunk(size_t size) {
    long address = raw_syscall(__NR_mmap, 0, (long)size, 3 /* PROT_READ|PROT_WRITE */,
                               0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    return address < 0 && address > -4096 ? NULL : (void *)address;
}

static size_t size_class(size_t size) { return size / 16 < SIZE_CLASSES ? size / 16 : SIZE_CLASSES - 1; }

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < 16) alignment = 16;
    size = (size + 15) & ~(size_t)15;
    struct block_header **link = &free_blocks[size_class(size)];
    for (; *link; link = &(*link)->next) {
        struct block_header *block = *link;
        if (block->size >= size && ((uintptr_t)(block + 1) & (alignment - 1)) == 0) {
            *link = block->next;
            *out = block + 1;
            return 0;
        }
    }
    uintptr_t start = ((uintptr_t)chunk_cursor + sizeof(struct block_header) + alignment - 1) & ~(uintptr_t)(alignment - 1);
    if (!chunk_cursor || start + size > (uintptr_t)chunk_end) {
        size_t need = size + alignment + sizeof(struct block_header);
        size_t length = need > ALLOCATION_CHUNK ? (need + 4095) & ~(size_t)4095 : ALLOCATION_CHUNK;
        unsigned char *chunk = map_chunk(length);
        if (!chunk) return 12;  // ENOMEM
        chunk_cursor = chunk;
        chunk_end = chunk + length;
        start = ((uintptr_t)chunk_cursor + sizeof(struct block_header) + alignment - 1) & ~(uintptr_t)(alignment - 1);
    }
    struct block_header *block = (struct block_header *)start - 1;
    block->size = size;
    chunk_cursor = (unsigned char *)(start + size);
    *out = (void *)start;
    return 0;
}

void free(void *pointer) {
    if (!pointer) return;
    struct block_header *block = (struct block_header *)pointer - 1;
    block->next = free_blocks[size_class(block->size)];
    free_blocks[size_class(block->size)] = block;
}

/// The guard value Swift's stack protector compares (it is on by default for code with
/// arrays on the stack); set from the kernel's AT_RANDOM bytes at start, as glibc does.
/// aarch64 code reads it from this global; x86_64 code reads it at %fs:0x28, in the
/// thread control block the x86_64 TLS ABI puts at the FS base (its first word points
/// to itself), so start-up gives the one thread such a block.
uintptr_t __stack_chk_guard;

#if defined(__x86_64__)
static uintptr_t thread_block[8] __attribute__((aligned(64)));

static void set_thread_block(uintptr_t canary) {
    thread_block[0] = (uintptr_t)thread_block;
    thread_block[5] = canary;  // offset 0x28: glibc's tcbhead_t.stack_guard
    raw_syscall(__NR_arch_prctl, 0x1002 /* ARCH_SET_FS */, (long)thread_block, 0, 0, 0, 0);
}
#else
static void set_thread_block(uintptr_t canary) { (void)canary; }
#endif

_Noreturn void __stack_chk_fail(void) {
    static const char text[] = "pod-pause: stack smashing detected\n";
    raw_syscall(__NR_write, 2, (long)text, sizeof text - 1, 0, 0, 0);
    for (;;) raw_syscall(__NR_kill, raw_syscall(__NR_getpid, 0, 0, 0, 0, 0, 0), 6 /* SIGABRT */, 0, 0, 0, 0);
}

extern int main(int argc, char **argv, char **envp);

typedef void (*initializer)(void);
extern initializer __init_array_start[] __attribute__((weak));
extern initializer __init_array_end[] __attribute__((weak));

/// Called by _start with the initial stack: argc, argv[], NULL, envp[], NULL, auxv[]
/// (the System V x86_64 and aarch64 process start, execve(2)'s "initial stack").
__attribute__((used)) _Noreturn void pod_pause_start(long *stack) {
    int argc = (int)stack[0];
    char **argv = (char **)(stack + 1);
    char **envp = argv + argc + 1;
    environment = envp;
    char **cursor = envp;
    while (*cursor) cursor++;
    for (unsigned long *aux = (unsigned long *)(cursor + 1); aux[0] != 0; aux += 2) {
        if (aux[0] == 25 /* AT_RANDOM: 16 random bytes */) {
            const unsigned char *random = (const unsigned char *)aux[1];
            uintptr_t value = 0;
            for (int index = 0; index < (int)sizeof value; index++) value = value << 8 | random[index];
            __stack_chk_guard = value & ~(uintptr_t)0xff;  // a zero low byte stops string overruns, as glibc's
        }
    }
    set_thread_block(__stack_chk_guard);
    for (initializer *entry = __init_array_start; entry && entry < __init_array_end; entry++) (*entry)();
    _exit(main(argc, argv, envp));
}

#if defined(__x86_64__)
__asm__(".text\n.globl _start\n.type _start,@function\n_start:\n"
        "  xor %rbp, %rbp\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call pod_pause_start\n  hlt\n");
#elif defined(__aarch64__)
__asm__(".text\n.globl _start\n.type _start,%function\n_start:\n"
        "  mov x29, #0\n  mov x30, #0\n  mov x0, sp\n  bl pod_pause_start\n  brk #0\n");
#endif
