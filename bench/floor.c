/* The floor for knotless's steady budgets: a program that wakes only at
 * the moments knotless wrote to its terminal and writes exactly the bytes
 * it wrote, and does nothing else. bench/measure.py records knotless's
 * output (when, and what) during each window, replays it through this on a
 * pseudo-terminal of the same size, and reads the kernel's accounting of
 * both the same way, so the two are side by side.
 *
 * Usage: floor RECORDING
 * RECORDING: records of (u64 nanoseconds from the start, u32 length,
 * bytes), native byte order. Replay starts one second after launch; then
 * the program waits until it is killed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: floor RECORDING\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *all = malloc(size > 0 ? (size_t)size : 1);
    if (!all || fread(all, 1, (size_t)size, f) != (size_t)size) {
        perror("read");
        return 1;
    }
    fclose(f);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    start.tv_sec += 1;
    long at = 0;
    while (at + 12 <= size) {
        uint64_t offset;
        uint32_t len;
        __builtin_memcpy(&offset, all + at, 8);
        __builtin_memcpy(&len, all + at + 8, 4);
        at += 12;
        if (at + (long)len > size) {
            break;
        }
        struct timespec when = start;
        when.tv_sec += (time_t)(offset / 1000000000u);
        when.tv_nsec += (long)(offset % 1000000000u);
        if (when.tv_nsec >= 1000000000L) {
            when.tv_sec += 1;
            when.tv_nsec -= 1000000000L;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL);
        ssize_t done = 0;
        while (done < (ssize_t)len) {
            ssize_t n = write(1, all + at + done, len - (size_t)done);
            if (n <= 0) {
                return 1;
            }
            done += n;
        }
        at += len;
    }
    for (;;) {
        pause();
    }
}
