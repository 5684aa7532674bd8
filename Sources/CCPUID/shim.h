// The CPU's instruction-set features, from the cpuid instruction and XGETBV (x86-64 only; elsewhere every
// query answers 0). Imported by FTFTTensors only, to check that the CPU can run a BLAS kernel before ftft pins it.
#ifndef FTFT_CCPUID_SHIM_H
#define FTFT_CCPUID_SHIM_H

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// Registers of cpuid leaf `leaf`, sub-leaf `subleaf`; returns 0 when the leaf is beyond the CPU's maximum.
static inline int ftft_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx) {
    unsigned int a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d)) { *eax = *ebx = *ecx = *edx = 0; return 0; }
    *eax = a; *ebx = b; *ecx = c; *edx = d;
    return 1;
}

// XCR0: which register states the operating system saves (bit 1 SSE, 2 AVX, 5-7 AVX-512). Only valid when
// cpuid leaf 1 reports OSXSAVE (ecx bit 27); returns 0 otherwise.
static inline uint64_t ftft_xgetbv0(void) {
    uint32_t a, b, c, d;
    if (!ftft_cpuid(1, 0, &a, &b, &c, &d) || !(c & (1u << 27))) { return 0; }
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#define FTFT_CPUID_AVAILABLE 1
#else
static inline int ftft_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx) {
    (void)leaf; (void)subleaf; *eax = *ebx = *ecx = *edx = 0; return 0;
}
static inline uint64_t ftft_xgetbv0(void) { return 0; }
#define FTFT_CPUID_AVAILABLE 0
#endif

#endif
