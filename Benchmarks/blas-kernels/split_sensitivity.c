// Does an OpenBLAS kernel round a product differently when it is split into row panels or threads?
// Row-major C[4096×384] = A[4096×384]·B[384×384]ᵀ (a MiniLM projection of a batch of 32 × 128 tokens), computed as
// one call, as 4 row panels of 1,024, as 16 panels of 256 against 8 of 512, and with 2 OpenBLAS threads; prints how
// many of the 1,572,864 outputs differ in their bits from the one-call result. Run by scripts/blas-kernel-sensitivity.sh
// under each kernel the CPU can run (OPENBLAS_CORETYPE), which is how the README's figures were made.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int differing(const float *x, const float *y, int count) {
    int d = 0;
    for (int i = 0; i < count; i++) d += memcmp(x + i, y + i, sizeof(float)) != 0;
    return d;
}

static void panels(int count, int m, int n, int k, const float *a, const float *b, float *c) {
    int rows = m / count;
    for (int p = 0; p < count; p++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, k, 1, a + p * rows * k, k, b, k, 0,
                    c + p * rows * n, n);
}

int main(void) {
    const int m = 4096, n = 384, k = 384;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * n * k);
    float *one = malloc(sizeof(float) * m * n), *x = malloc(sizeof(float) * m * n), *y = malloc(sizeof(float) * m * n);
    unsigned state = 1;
    for (int i = 0; i < m * k; i++) { state = state * 1664525u + 1013904223u; a[i] = (state >> 8) / 16777216.0f - 0.5f; }
    for (int i = 0; i < n * k; i++) { state = state * 1664525u + 1013904223u; b[i] = ((state >> 8) / 16777216.0f - 0.5f) * 0.1f; }
    openblas_set_num_threads(1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, one, n);
    panels(4, m, n, k, a, b, x);
    int fourPanels = differing(one, x, m * n);
    panels(16, m, n, k, a, b, x);
    panels(8, m, n, k, a, b, y);
    int eightVsSixteen = differing(x, y, m * n);
    openblas_set_num_threads(2);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, x, n);
    int twoThreads = differing(one, x, m * n);
    printf("%-12s 1 call vs 4 panels: %7d   8 vs 16 panels: %7d   1 vs 2 OpenBLAS threads: %7d   (of %d outputs)\n",
           openblas_get_corename(), fourPanels, eightVsSixteen, twoThreads, m * n);
    return 0;
}
