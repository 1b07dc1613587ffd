/*
 * alsafe-guest: the lab guest's helper. It owns sockets of known shapes (so that tests know what AL-SAFE must find)
 * and prints the guest's own view of processes and sockets ("truth") for tests to compare with what AL-SAFE reads
 * from outside. Test-only: AL-SAFE itself never trusts anything the guest says.
 *
 * Usage: alsafe-guest [start] [as-uid UID] [comm NAME] MODE [ARGS]   (as-uid and comm in either order)
 *   start      set the sockets up, then fork: the parent exits once they exist, the child holds them forever.
 *   as-uid     drop to UID (and GID = UID) before setting anything up.
 *   comm       call the process NAME (at most 15 bytes; prctl PR_SET_NAME) before setting anything up, so that it
 *              passes for another program by comm while its executable stays this one.
 *   MODE       tcp-listen PORT | tcp-listen6 PORT | tcp-listen-dual PORT | udp-bind PORT | udp-bind6 PORT |
 *              udp-echo PORT | udp-connect ADDR PORT | tcp-connect ADDR PORT | unix-pair | idle | truth SEQ |
 *              wait-gone PID
 *   udp-echo   a dual-stack UDP socket that sends every datagram back to its sender (for probes from outside).
 *
 * Truth format: see print_truth().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ACCEPTED 64

static void die(const char *what)
{
    fprintf(stderr, "alsafe-guest: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: alsafe-guest [start] [as-uid UID] [comm NAME] MODE [ARGS] (see the source header)\n");
    exit(2);
}

static unsigned short parse_port(const char *text)
{
    char *end;
    long port = strtol(text, &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535)
        usage();
    return (unsigned short)port;
}

/* Fills a v4 or v6 address from ADDR; returns its length. */
static socklen_t parse_address(const char *text, unsigned short port, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return sizeof *v4;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return sizeof *v6;
    }
    usage();
    return 0;
}

/* A socket bound to the wildcard address of its family; v6only < 0 leaves the option alone (v4 sockets). */
static int bound_socket(int family, int type, unsigned short port, int v6only)
{
    int fd = socket(family, type, 0);
    if (fd < 0)
        die("socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        die("SO_REUSEADDR");
    if (v6only >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
        die("IPV6_V6ONLY");
    struct sockaddr_storage address;
    socklen_t length = parse_address(family == AF_INET ? "0.0.0.0" : "::", port, &address);
    if (bind(fd, (struct sockaddr *)&address, length) < 0)
        die("bind");
    return fd;
}

/*
 * Accepts and keeps every connection open, so that the server end of an in-guest connection has an fd (a connection
 * still in the accept queue has none). Each accepted peer gets one byte: the client waits for it, which tells it that
 * its peer's fd exists.
 */
static void __attribute__((noreturn)) serve_listener(int listener)
{
    int accepted = 0;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            die("accept");
        }
        if (write(fd, "A", 1) != 1)
            die("write");
        if (++accepted >= MAX_ACCEPTED)
            break;
    }
    for (;;)
        pause();
}

/* The connect side of an in-guest TCP pair: returns once the listener has accepted, or after two seconds. */
static void connect_tcp(const char *addr, unsigned short port)
{
    struct sockaddr_storage address;
    socklen_t length = parse_address(addr, port, &address);
    int fd = socket(address.ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&address, length) < 0)
        die("connect");
    struct timeval timeout = {.tv_sec = 2};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0)
        die("SO_RCVTIMEO");
    char byte;
    if (read(fd, &byte, 1) < 0 && errno != EAGAIN)
        die("read");
}

static void connect_udp(const char *addr, unsigned short port)
{
    struct sockaddr_storage address;
    socklen_t length = parse_address(addr, port, &address);
    int fd = socket(address.ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&address, length) < 0)
        die("connect");
}

/* Prints TEXT with tab, newline, backslash and non-printable bytes escaped (comm and paths are guest-writable). */
static void print_escaped(FILE *out, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '\\')
            fputs("\\\\", out);
        else if (*c < 0x21 || *c > 0x7e)
            fprintf(out, "\\x%02x", *c);
        else
            fputc(*c, out);
    }
}

/* Reads a small /proc file into BUFFER (NUL-terminated); returns the length or -1. */
static ssize_t read_small(const char *path, char *buffer, size_t size)
{
    FILE *file = fopen(path, "re");
    if (!file)
        return -1;
    size_t length = fread(buffer, 1, size - 1, file);
    fclose(file);
    buffer[length] = '\0';
    return (ssize_t)length;
}

static long status_field(const char *status, const char *name)
{
    const char *line = strstr(status, name);
    return line ? strtol(line + strlen(name), NULL, 10) : -1;
}

/*
 * IPV6_V6ONLY of another process's socket, as the kernel answers getsockopt on a copy of its descriptor taken with
 * pidfd_getfd (root may take any process's): 0 or 1, or -1 when it is no inet6 socket or the descriptor is gone.
 * /proc/net does not show the flag, and the owner cannot be asked.
 */
static int v6only_of(int pidfd, int fd)
{
    if (pidfd < 0)
        return -1;
    int copy = pidfd_getfd(pidfd, fd, 0);
    if (copy < 0)
        return -1;
    int domain = 0, v6only = -1;
    socklen_t length = sizeof domain;
    if (getsockopt(copy, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0 && domain == AF_INET6) {
        length = sizeof v6only;
        if (getsockopt(copy, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &length) < 0)
            v6only = -1;
    }
    close(copy);
    return v6only;
}

/*
 * P\tPID\tPPID\tTGID\tUID\tCOMM\tEXE, then F\tPID\tFD\tINODE for every socket fd, each inet6 one followed by
 * V\tINODE\tV6ONLY (0 or 1).
 */
static void print_process(FILE *out, const char *pid)
{
    char path[64], status[4096], comm[64], exe[4096];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    if (read_small(path, status, sizeof status) < 0)
        return; /* gone meanwhile */
    snprintf(path, sizeof path, "/proc/%s/comm", pid);
    ssize_t comm_length = read_small(path, comm, sizeof comm);
    if (comm_length > 0 && comm[comm_length - 1] == '\n')
        comm[comm_length - 1] = '\0';
    snprintf(path, sizeof path, "/proc/%s/exe", pid);
    ssize_t exe_length = readlink(path, exe, sizeof exe - 1);
    if (exe_length >= 0)
        exe[exe_length] = '\0';

    fprintf(out, "P\t%s\t%ld\t%ld\t%ld\t", pid, status_field(status, "\nPPid:"), status_field(status, "\nTgid:"),
           status_field(status, "\nUid:"));
    print_escaped(out, comm_length >= 0 ? comm : "");
    fputc('\t', out);
    if (exe_length >= 0)
        print_escaped(out, exe);
    else
        fputs("-", out);
    fputc('\n', out);

    snprintf(path, sizeof path, "/proc/%s/fd", pid);
    DIR *fds = opendir(path);
    if (!fds)
        return;
    int pidfd = pidfd_open((pid_t)strtol(pid, NULL, 10), 0);
    struct dirent *entry;
    while ((entry = readdir(fds))) {
        if (!isdigit((unsigned char)entry->d_name[0]))
            continue;
        char link_path[320], target[128];
        snprintf(link_path, sizeof link_path, "/proc/%s/fd/%s", pid, entry->d_name);
        ssize_t length = readlink(link_path, target, sizeof target - 1);
        if (length < 0)
            continue;
        target[length] = '\0';
        unsigned long long inode;
        if (sscanf(target, "socket:[%llu]", &inode) != 1)
            continue;
        fprintf(out, "F\t%s\t%s\t%llu\n", pid, entry->d_name, inode);
        int v6only = v6only_of(pidfd, (int)strtol(entry->d_name, NULL, 10));
        if (v6only >= 0)
            fprintf(out, "V\t%llu\t%d\n", inode, v6only);
    }
    if (pidfd >= 0)
        close(pidfd);
    closedir(fds);
}

/* N\tTABLE\tINODE\tLOCAL\tREMOTE\tSTATE with the kernel's raw hex address:port and state. */
static void print_net_table(FILE *out, const char *table)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/net/%s", table);
    FILE *file = fopen(path, "re");
    if (!file)
        return; /* no IPv6 in this kernel: nothing to list */
    if (!fgets(line, sizeof line, file)) {
        fclose(file);
        return;
    }
    while (fgets(line, sizeof line, file)) {
        char local[64], remote[64];
        unsigned state, uid;
        unsigned long long inode;
        if (sscanf(line, " %*u: %63s %63s %x %*s %*s %*s %u %*d %llu", local, remote, &state, &uid, &inode) == 5)
            fprintf(out, "N\t%s\t%llu\t%s\t%s\t%02X\n", table, inode, local, remote, state);
    }
    fclose(file);
}

/* The runtime address of _text, so that tests can check KASLR and their own symbol resolution. */
static unsigned long long kernel_text(void)
{
    FILE *file = fopen("/proc/kallsyms", "re");
    if (!file)
        return 0;
    char line[512], name[256], type;
    unsigned long long address, found = 0;
    while (!found && fgets(line, sizeof line, file))
        if (sscanf(line, "%llx %c %255s", &address, &type, name) == 3 && strcmp(name, "_text") == 0)
            found = address;
    fclose(file);
    return found;
}

/*
 * One coherent-as-possible snapshot, printed in one process so that the only transient task is this one (its pid is
 * the S line and it is not listed as a process):
 *   @@ALSAFE-TRUTH-BEGIN SEQ
 *   H\tRELEASE\tTEXT_HEX        S\tSELF_PID        P/F/V lines        N lines
 *   @@ALSAFE-TRUTH-END SEQ LINES   (LINES counts the lines in between, so that a reader can detect damage)
 */
static void print_truth(const char *seq)
{
    char self[32];
    snprintf(self, sizeof self, "%d", (int)getpid());
    struct utsname uts;
    if (uname(&uts) < 0)
        die("uname");

    /* Buffered into memory, then written at once: the console is slow and the kernel may interleave messages. */
    char *text = NULL;
    size_t size = 0;
    FILE *memory = open_memstream(&text, &size);
    if (!memory)
        die("open_memstream");
    fprintf(memory, "H\t%s\t%016llx\n", uts.release, kernel_text());
    fprintf(memory, "S\t%s\n", self);
    DIR *proc = opendir("/proc");
    if (!proc)
        die("/proc");
    struct dirent *entry;
    while ((entry = readdir(proc)))
        if (isdigit((unsigned char)entry->d_name[0]) && strcmp(entry->d_name, self) != 0)
            print_process(memory, entry->d_name);
    closedir(proc);
    const char *tables[] = {"tcp", "tcp6", "udp", "udp6"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        print_net_table(memory, tables[i]);

    fclose(memory);
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    printf("\n@@ALSAFE-TRUTH-BEGIN %s\n", seq);
    fwrite(text, 1, size, stdout);
    printf("@@ALSAFE-TRUTH-END %s %zu\n", seq, lines);
    fflush(stdout);
    free(text);
}

/* Waits (at most ten seconds) until PID is gone from /proc; PID 1 reaps it while it waits for this process. */
static void wait_gone(const char *pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s", pid);
    struct timespec tick = {.tv_nsec = 50 * 1000 * 1000};
    for (int i = 0; i < 200 && access(path, F_OK) == 0; i++)
        nanosleep(&tick, NULL);
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "alsafe-guest: %s is still there\n", pid);
        exit(1);
    }
}

/* With start, the parent returns to its caller now that the sockets exist; the child keeps them. */
static void detach(int start)
{
    if (!start)
        return;
    fflush(NULL);
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child > 0)
        _exit(0);
    setsid();
}

static void __attribute__((noreturn)) hold_forever(void)
{
    for (;;)
        pause();
}

/* Answers each datagram with its own bytes; IPv4 senders arrive as ::ffff:a.b.c.d on the dual-stack socket. */
static void __attribute__((noreturn)) echo_datagrams(int fd)
{
    char buffer[2048];
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t length = sizeof peer;
        ssize_t size = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&peer, &length);
        if (size < 0) {
            if (errno == EINTR)
                continue;
            die("recvfrom");
        }
        if (sendto(fd, buffer, (size_t)size, 0, (struct sockaddr *)&peer, length) < 0 && errno != EINTR)
            die("sendto");
    }
}

int main(int argc, char **argv)
{
    int start = 0, arg = 1;
    if (arg < argc && strcmp(argv[arg], "start") == 0) {
        start = 1;
        arg++;
    }
    int dropped = 0, named = 0;
    while (arg + 1 < argc) {
        if (!dropped && strcmp(argv[arg], "as-uid") == 0) {
            gid_t id = (gid_t)strtoul(argv[arg + 1], NULL, 10);
            if (setgroups(0, NULL) < 0 || setgid(id) < 0 || setuid(id) < 0)
                die("as-uid");
            dropped = 1;
        } else if (!named && strcmp(argv[arg], "comm") == 0) {
            /* The kernel would cut a longer name silently; a test expecting the full name would then be misled. */
            if (strlen(argv[arg + 1]) == 0 || strlen(argv[arg + 1]) > 15)
                usage();
            if (prctl(PR_SET_NAME, argv[arg + 1], 0, 0, 0) < 0)
                die("comm");
            named = 1;
        } else {
            break;
        }
        arg += 2;
    }
    if (arg >= argc)
        usage();
    const char *mode = argv[arg];
    int rest = argc - arg - 1;
    char **args = argv + arg + 1;
    signal(SIGPIPE, SIG_IGN);

    if (strcmp(mode, "truth") == 0 && rest == 1) {
        print_truth(args[0]);
        return 0;
    }
    if (strcmp(mode, "wait-gone") == 0 && rest == 1) {
        wait_gone(args[0]);
        return 0;
    }
    if (strcmp(mode, "idle") == 0 && rest == 0) {
        detach(start);
        hold_forever();
    }
    if (strcmp(mode, "unix-pair") == 0 && rest == 0) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
            die("socketpair");
        detach(start);
        hold_forever();
    }
    if (rest == 1 && (strcmp(mode, "tcp-listen") == 0 || strcmp(mode, "tcp-listen6") == 0 ||
                      strcmp(mode, "tcp-listen-dual") == 0)) {
        int fd = strcmp(mode, "tcp-listen") == 0 ? bound_socket(AF_INET, SOCK_STREAM, parse_port(args[0]), -1)
                 : bound_socket(AF_INET6, SOCK_STREAM, parse_port(args[0]), strcmp(mode, "tcp-listen6") == 0);
        if (listen(fd, 16) < 0)
            die("listen");
        detach(start);
        serve_listener(fd);
    }
    if (rest == 1 && (strcmp(mode, "udp-bind") == 0 || strcmp(mode, "udp-bind6") == 0)) {
        if (strcmp(mode, "udp-bind") == 0)
            bound_socket(AF_INET, SOCK_DGRAM, parse_port(args[0]), -1);
        else
            bound_socket(AF_INET6, SOCK_DGRAM, parse_port(args[0]), 1);
        detach(start);
        hold_forever();
    }
    if (rest == 1 && strcmp(mode, "udp-echo") == 0) {
        int fd = bound_socket(AF_INET6, SOCK_DGRAM, parse_port(args[0]), 0);
        detach(start);
        echo_datagrams(fd);
    }
    if (rest == 2 && strcmp(mode, "udp-connect") == 0) {
        connect_udp(args[0], parse_port(args[1]));
        detach(start);
        hold_forever();
    }
    if (rest == 2 && strcmp(mode, "tcp-connect") == 0) {
        connect_tcp(args[0], parse_port(args[1]));
        detach(start);
        hold_forever();
    }
    usage();
    return 2;
}
